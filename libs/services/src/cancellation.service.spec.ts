import { describe, expect, it } from '@jest/globals';
import type { CancellationLog, CancellationNotifier, CancelledInPostgres } from '@meridian/queue';
import type { PinoLogger } from 'nestjs-pino';

import { CancellationService } from './cancellation.service.js';
import type { DependencySettler } from './dependency-settler.js';

/** A notifier and a settler that record what they were told, in one shared order. */
function fakes() {
  const calls: { step: 'notify' | 'settle'; queue?: string; ids: string[]; context?: object }[] = [];
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
  const logger = { logger: { child: (context: object) => context } };
  const sut = new CancellationService(
    notifier as unknown as CancellationNotifier,
    settler as unknown as DependencySettler,
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

    expect(calls).toEqual([
      { step: 'notify', queue: 'default', ids: ['e1', 'e2'], context: { jobId: 'j1' } },
      { step: 'settle', ids: ['e1', 'e2'] },
    ]);
  });

  it('should do nothing when Postgres cancelled nothing', async () => {
    const { sut, calls } = fakes();

    await sut.afterCancelled('default', [], { workflowId: 'w1' });

    expect(calls).toEqual([]);
  });
});
