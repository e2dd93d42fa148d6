import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '@meridian/config';
import type { DependencyRepository, ExecutionRepository, LiveExecution, RecurringJobRepository } from '@meridian/db';
import type { ExecutionDispatch, ExecutionStatus } from '@meridian/domain';
import { createMetricCatalog } from '@meridian/metrics';
import type { ExecutionQueueGateway, ScheduleTick, TickQueueGateway } from '@meridian/queue';
import type { DependencySettler } from '@meridian/services';
import type { PinoLogger } from 'nestjs-pino';

import type { ChildJobRepairs } from './child-job-repairs.js';
import { LostRuns } from './lost-runs.js';
import { ReconcilerService } from './reconciler.service.js';

const config = loadConfig({ RECONCILE_GRACE_MS: '30000' });
const NOW = new Date('2026-03-01T12:00:00Z');

function aLiveExecution(executionId: string, status: ExecutionStatus = 'QUEUED'): LiveExecution {
  return { status, dispatch: { executionId, queue: 'default' } as ExecutionDispatch };
}

/** Live executions in Postgres, paged by id as the repository does; each call's filters kept. */
class FakeExecutionRepository {
  readonly calls: { updatedBefore: Date; afterId: string | null; running: boolean | undefined }[] = [];
  constructor(private readonly live: LiveExecution[]) {}

  findLive(updatedBefore: Date, afterId: string | null, limit: number, options: { running?: boolean } = {}) {
    this.calls.push({ updatedBefore, afterId, running: options.running });
    const after = this.live.filter((execution) => afterId === null || execution.dispatch.executionId > afterId);
    return Promise.resolve(after.slice(0, limit));
  }
}

/** BullMQ as the gateway sees it: a state per execution id ('unknown' when absent), and what was enqueued again. */
class FakeExecutionQueueGateway {
  readonly requeued: string[] = [];
  constructor(private readonly held: Record<string, string>) {}

  states(items: readonly ExecutionDispatch[]) {
    return Promise.resolve(new Map(items.map((item) => [item.executionId, this.held[item.executionId] ?? 'unknown'])));
  }

  requeue(items: readonly ExecutionDispatch[]) {
    this.requeued.push(...items.map((item) => item.executionId));
    return Promise.resolve();
  }
}

class FakeRecurringJobRepository {
  constructor(private readonly armed: { jobId: string; nextRunAt: Date }[]) {}

  findArmed(_updatedBefore: Date, afterId: string | null, limit: number) {
    return Promise.resolve(this.armed.filter((job) => afterId === null || job.jobId > afterId).slice(0, limit));
  }
}

class FakeTickQueueGateway {
  readonly rearmed: ScheduleTick[] = [];
  constructor(private readonly heldJobIds: string[]) {}

  lostTicks(ticks: readonly ScheduleTick[]) {
    return Promise.resolve(ticks.filter((tick) => !this.heldJobIds.includes(tick.jobId)));
  }

  rearmTicks(ticks: readonly ScheduleTick[]) {
    this.rearmed.push(...ticks);
    return Promise.resolve();
  }
}

class FakeDependencyRepository {
  constructor(private readonly unsettled: string[]) {}

  findUnsettled(limit: number) {
    return Promise.resolve(this.unsettled.slice(0, limit));
  }
}

class FakeDependencySettler {
  readonly settled: string[] = [];

  settle(executionIds: readonly string[]) {
    this.settled.push(...executionIds);
    return Promise.resolve();
  }
}

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function aReconciler(
  state: {
    live?: LiveExecution[];
    held?: Record<string, string>;
    armed?: { jobId: string; nextRunAt: Date }[];
    heldTicks?: string[];
    unsettled?: string[];
  } = {},
) {
  const executions = new FakeExecutionRepository(state.live ?? []);
  const queues = new FakeExecutionQueueGateway(state.held ?? {});
  const ticks = new FakeTickQueueGateway(state.heldTicks ?? []);
  const settler = new FakeDependencySettler();
  const lostRuns = new LostRuns();
  const sut = new ReconcilerService(
    executions as unknown as ExecutionRepository,
    new FakeRecurringJobRepository(state.armed ?? []) as unknown as RecurringJobRepository,
    queues as unknown as ExecutionQueueGateway,
    ticks as unknown as TickQueueGateway,
    new FakeDependencyRepository(state.unsettled ?? []) as unknown as DependencyRepository,
    settler as unknown as DependencySettler,
    lostRuns,
    { repair: () => Promise.resolve(0) } as unknown as ChildJobRepairs,
    createMetricCatalog('scheduler', { processMetrics: false }),
    config,
    silent as unknown as PinoLogger,
  );
  return { sut, executions, queues, ticks, settler, lostRuns };
}

describe(ReconcilerService.name, () => {
  it('should enqueue again the live executions BullMQ no longer holds or has finished with', async () => {
    const { sut, queues } = aReconciler({
      live: ['e1', 'e2', 'e3', 'e4', 'e5'].map((id) => aLiveExecution(id)),
      held: { e2: 'waiting', e3: 'completed', e4: 'active', e5: 'failed' },
    });

    const putBack = await sut.reconcileOnce(NOW);

    expect({ putBack, requeued: queues.requeued }).toEqual({ putBack: 3, requeued: ['e1', 'e3', 'e5'] });
  });

  it('should look only at executions untouched for the grace period, running ones included', async () => {
    const { sut, executions } = aReconciler({ live: [aLiveExecution('e1')] });

    await sut.reconcileOnce(NOW);

    expect(executions.calls[0]).toEqual({
      updatedBefore: new Date(NOW.getTime() - 30_000),
      afterId: null,
      running: undefined,
    });
  });

  it('should page through the live executions by id until a page comes back empty', async () => {
    const live = Array.from({ length: 501 }, (_, index) => aLiveExecution(`e${String(index).padStart(4, '0')}`));
    const { sut, executions, queues } = aReconciler({ live });

    await sut.reconcileOnce(NOW);

    expect(executions.calls.map((call) => call.afterId)).toEqual([null, 'e0499', 'e0500']);
    expect(queues.requeued).toHaveLength(501);
  });

  it('should check every queued execution at once after Redis lost its data, leave running ones to their workers and remember the queued ones as lost runs', async () => {
    const { sut, executions, lostRuns } = aReconciler({
      live: [aLiveExecution('e1', 'QUEUED'), aLiveExecution('e2', 'RETRYING'), aLiveExecution('e3', 'QUEUED')],
      held: { e3: 'waiting' },
    });

    await sut.reconcileAfterLoss(NOW);

    expect(executions.calls[0]).toEqual({ updatedBefore: NOW, afterId: null, running: false });
    expect(lostRuns.recent(NOW.getTime())).toEqual(['e1', 'e3']);
  });

  it('should arm again the recurring jobs whose next tick BullMQ lost', async () => {
    const nextRunAt = new Date('2026-03-01T12:01:00Z');
    const { sut, ticks } = aReconciler({
      armed: [
        { jobId: 'j1', nextRunAt },
        { jobId: 'j2', nextRunAt },
      ],
      heldTicks: ['j2'],
    });

    const putBack = await sut.reconcileOnce(NOW);

    expect({ putBack, rearmed: ticks.rearmed }).toEqual({
      putBack: 1,
      rearmed: [{ jobId: 'j1', nominalTime: nextRunAt }],
    });
  });

  it('should settle the ended executions whose dependents have not counted them', async () => {
    const { sut, settler } = aReconciler({ unsettled: ['e7', 'e8'] });

    const putBack = await sut.reconcileOnce(NOW);

    expect({ putBack, settled: settler.settled }).toEqual({ putBack: 2, settled: ['e7', 'e8'] });
  });

  it('should put nothing back when Redis and Postgres agree', async () => {
    const { sut, queues, ticks, settler } = aReconciler({
      live: [aLiveExecution('e1')],
      held: { e1: 'delayed' },
      armed: [{ jobId: 'j1', nextRunAt: NOW }],
      heldTicks: ['j1'],
    });

    const putBack = await sut.reconcileOnce(NOW);

    expect({ putBack, requeued: queues.requeued, rearmed: ticks.rearmed, settled: settler.settled }).toEqual({
      putBack: 0,
      requeued: [],
      rearmed: [],
      settled: [],
    });
  });
});
