import { describe, expect, it } from '@jest/globals';
import type { ChildJobRepository } from '@meridian/db';
import type { CancellationLog, CancellationNotifier, CancelledInPostgres } from '@meridian/queue';
import type { PinoLogger } from 'nestjs-pino';

import { CancellationService } from './cancellation.service.js';
import type { DependencySettler } from './dependency-settler.js';

type Call = { step: 'notify' | 'settle' | 'cancel children'; queue?: string; ids: string[]; context?: object };

/**
 * A notifier, a settler and child jobs that record what they were told, in one shared order.
 * `tree` maps a parent execution to its unfinished children (id and queue); `failing` maps a failed
 * child of a running `fail_parent` parent to that parent.
 */
function fakes(tree: Record<string, { id: string; queue: string }[]> = {}, failing: Record<string, string> = {}) {
  const calls: Call[] = [];
  const notifier = {
    notify: (queue: string, executions: readonly CancelledInPostgres[], log: CancellationLog) => {
      calls.push({ step: 'notify', queue, ids: executions.map((execution) => execution.id), context: log });
      return Promise.resolve();
    },
  };
  const settler = {
    settle: (ids: readonly string[]) => {
      calls.push({ step: 'settle', ids: [...ids] });
      return Promise.resolve();
    },
  };
  const cancelled = new Set<string>();
  const children = {
    cancelChildren: (parents: readonly string[], _now: Date, reason: { code: string }) => {
      const found = parents.flatMap((parent) => tree[parent] ?? []).filter((child) => !cancelled.has(child.id));
      found.forEach((child) => cancelled.add(child.id));
      calls.push({ step: 'cancel children', ids: [...parents], context: { reason: reason.code } });
      return Promise.resolve(found.map((child) => ({ ...child, jobId: `job-${child.id}`, previousStatus: 'QUEUED' })));
    },
    failingParents: (ids: readonly string[]) => Promise.resolve([...new Set(ids.flatMap((id) => failing[id] ?? []))]),
  };
  const logger = { logger: { child: (context: object) => context } };
  const sut = new CancellationService(
    notifier as unknown as CancellationNotifier,
    settler as unknown as DependencySettler,
    children as unknown as ChildJobRepository,
    logger as unknown as PinoLogger,
  );
  return { sut, calls };
}

describe(CancellationService.name, () => {
  it('should tell Redis first, then settle the dependents of the same executions', async () => {
    const { sut, calls } = fakes();

    await sut.afterCancelled(
      'default',
      [
        { id: 'e1', previousStatus: 'QUEUED' },
        { id: 'e2', previousStatus: 'RUNNING' },
      ],
      { jobId: 'j1' },
    );

    expect(calls.filter((call) => call.step !== 'cancel children')).toEqual([
      { step: 'notify', queue: 'default', ids: ['e1', 'e2'], context: { jobId: 'j1' } },
      { step: 'settle', ids: ['e1', 'e2'] },
    ]);
  });

  it('should do nothing when Postgres cancelled nothing', async () => {
    const { sut, calls } = fakes();

    await sut.afterCancelled('default', [], { workflowId: 'w1' });

    expect(calls).toEqual([]);
  });

  it('should cancel the children and grandchildren of a cancelled parent, and tell Redis of them before the parent', async () => {
    const { sut, calls } = fakes({
      p: [
        { id: 'c1', queue: 'default' },
        { id: 'c2', queue: 'bulk' },
      ],
      c2: [{ id: 'g1', queue: 'default' }],
    });

    await sut.afterCancelled('default', [{ id: 'p', previousStatus: 'RUNNING' }], { jobId: 'jp' });

    expect(calls.map(({ step, queue, ids }) => ({ step, queue, ids }))).toEqual([
      { step: 'cancel children', queue: undefined, ids: ['p'] },
      { step: 'cancel children', queue: undefined, ids: ['c1', 'c2'] },
      { step: 'cancel children', queue: undefined, ids: ['g1'] },
      { step: 'notify', queue: 'default', ids: ['g1'] },
      { step: 'settle', queue: undefined, ids: ['g1'] },
      { step: 'notify', queue: 'default', ids: ['c1'] },
      { step: 'notify', queue: 'bulk', ids: ['c2'] },
      { step: 'settle', queue: undefined, ids: ['c1', 'c2'] },
      { step: 'notify', queue: 'default', ids: ['p'] },
      { step: 'settle', queue: undefined, ids: ['p'] },
    ]);
  });

  it('should cancel the siblings of a failed child whose parent runs under fail_parent, as sibling_failed', async () => {
    const { sut, calls } = fakes(
      {
        p: [
          { id: 'c2', queue: 'default' },
          { id: 'c3', queue: 'default' },
        ],
      },
      { c1: 'p' },
    );

    await sut.afterChildFailed(['c1']);

    expect(calls[0]).toEqual({ step: 'cancel children', ids: ['p'], context: { reason: 'sibling_failed' } });
    expect(calls.filter((call) => call.step === 'notify').flatMap((call) => call.ids)).toEqual(['c2', 'c3']);
  });
});
