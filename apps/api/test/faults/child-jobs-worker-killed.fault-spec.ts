import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { expectCleanHistory, type HttpTarget, startHttpTarget, waitFor } from '@meridian/testing';

import { type DirectDatabase, report, useWorkerScenario } from './fault-support.js';

jest.setTimeout(150_000);

const PARTS = 40;

/**
 * A worker killed with -9 while a fan-out's parent waits parked for its children and the killed
 * worker runs some of them: the parent holds no worker slot, so the kill does not touch it; the
 * killed worker's children come back through BullMQ's stalled check and run again elsewhere; the
 * parent resumes once, in its first attempt, when the last child has ended.
 */
describe('a worker killed while a parent waits for its children', () => {
  const { ctx, db: openDatabase, startWorker } = useWorkerScenario();
  let db: DirectDatabase | undefined;
  let target: HttpTarget;

  beforeAll(async () => {
    target = await startHttpTarget(() => ({ status: 200, delayMs: 1500 }));
  });
  afterAll(async () => {
    await target.close();
  });

  it('should run every child to one success and resume the parent once', async () => {
    db = openDatabase();
    const victim = await startWorker({ WORKER_ID: 'victim', WORKER_CONCURRENCY: '10' });
    const survivor = await startWorker({ WORKER_ID: 'survivor', WORKER_CONCURRENCY: '10' });
    const parent = await ctx.api.createJob({
      name: 'fan-out',
      handler: 'fan-out',
      payload: {
        items: Array.from({ length: PARTS }, (_, n) => n),
        partSize: 1,
        handler: 'http',
        partField: 'body',
        payload: { url: `${target.url}/part` },
      },
    });
    const parentExecution = parent.latestExecution?.id ?? '';
    const onVictim = () =>
      db?.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM executions e JOIN jobs j ON j.id = e.job_id
          WHERE j.parent_job_id = $1 AND e.status = 'RUNNING' AND e.worker_id = 'victim'`,
        [parent.id],
      );
    await waitFor(
      async () => {
        const [parked] = (await db?.query<{ parked: boolean }>(
          'SELECT parked_at IS NOT NULL AS parked FROM executions WHERE id = $1',
          [parentExecution],
        )) ?? [{ parked: false }];
        return parked?.parked === true && ((await onVictim())?.[0]?.n ?? 0) >= 3 ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'the parent to park while the victim runs children' },
    );

    await victim.stop('SIGKILL');
    const [atKill] = (await onVictim()) ?? [];

    const history = await expectCleanHistory(ctx.stack.database.url, {
      acknowledgedJobIds: [parent.id],
      timeoutMs: 120_000,
    });
    const execution = await ctx.api.execution(parentExecution);
    const children = await ctx.api.children(parent.id);
    const childIds = children.map((child) => child.id);
    const histories = await db.attemptHistories(childIds);
    const interrupted = histories.filter((child) => child.outcomes.includes('INTERRUPTED'));
    const resumed = survivor
      .output()
      .split('\n')
      .filter((line) => line.includes('"parent resumed"') && line.includes(parentExecution)).length;
    report('worker kill -9 under a parked parent', {
      children: children.length,
      runningOnVictimAtKill: atKill?.n,
      interrupted: interrupted.length,
      counts: history.counts,
    });

    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.attempts.map((attempt) => attempt.outcome)).toEqual(['SUCCEEDED']);
    expect(execution.result).toMatchObject({ parts: PARTS, succeeded: PARTS, failed: 0 });
    expect(resumed).toBe(1);
    expect(children).toHaveLength(PARTS);
    expect(await db.statusCounts(childIds)).toEqual({ SUCCEEDED: PARTS });
    expect(interrupted.length).toBeGreaterThan(0);
    expect(interrupted.filter((child) => child.outcomes.join() !== 'INTERRUPTED,SUCCEEDED')).toEqual([]);
    expect(histories.filter((child) => child.outcomes.filter((o) => o === 'SUCCEEDED').length !== 1)).toEqual([]);
  });
});
