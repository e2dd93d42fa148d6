import { describe, expect, it } from '@jest/globals';
import type { DependencyRepository, SettleResult } from '@meridian/db';
import type { CancellationNotifier, CancelledInPostgres } from '@meridian/queue';
import type { PinoLogger } from 'nestjs-pino';

import { DependencySettler } from './dependency-settler.js';

/** Dependencies that answer each settle with `result` (or fail), keeping the ids of every call. */
class FakeDependencyRepository {
  readonly calls: string[][] = [];
  constructor(private readonly result: SettleResult | Error) {}

  settle(executionIds: readonly string[]): Promise<SettleResult> {
    this.calls.push([...executionIds]);
    return this.result instanceof Error ? Promise.reject(this.result) : Promise.resolve(this.result);
  }
}

function aSettler(result: SettleResult | Error) {
  const dependencies = new FakeDependencyRepository(result);
  const notified: { queue: string; ids: string[] }[] = [];
  const notifier = {
    notify: (queue: string, executions: readonly CancelledInPostgres[]) => {
      notified.push({ queue, ids: executions.map((execution) => execution.id) });
      return Promise.resolve();
    },
  };
  const warnings: object[] = [];
  const logger = {
    logger: { child: () => ({}) },
    debug: () => undefined,
    warn: (fields: object) => warnings.push(fields),
  };
  const sut = new DependencySettler(
    dependencies as unknown as DependencyRepository,
    notifier as unknown as CancellationNotifier,
    logger as unknown as PinoLogger,
  );
  return { sut, dependencies, notified, warnings };
}

describe(DependencySettler.name, () => {
  it('should settle ends submitted together in one call', async () => {
    const { sut, dependencies } = aSettler({ released: 0, skipped: 0, cancelled: [] });

    await Promise.all([sut.settle(['e1']), sut.settle(['e2', 'e3'])]);

    expect(dependencies.calls.flat().sort()).toEqual(['e1', 'e2', 'e3']);
    expect(dependencies.calls.length).toBeLessThan(3);
  });

  it('should tell Redis about the jobs a failed workflow cancelled', async () => {
    const { sut, notified } = aSettler({
      released: 0,
      skipped: 0,
      cancelled: [{ queue: 'default', executions: [{ id: 'e9', previousStatus: 'BLOCKED' }] }],
    });

    await sut.settle(['e1']);

    expect(notified).toEqual([{ queue: 'default', ids: ['e9'] }]);
  });

  it('should not throw when the settle fails, and leave it to the reconciler with a warning', async () => {
    const { sut, warnings } = aSettler(new Error('connection terminated'));

    await expect(sut.settle(['e1'])).resolves.toBeUndefined();

    expect(warnings).toEqual([expect.objectContaining({ executionId: 'e1' })]);
  });
});
