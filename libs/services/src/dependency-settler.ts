import { DependencyRepository, GroupCommit } from '@meridian/db';
import { CancellationNotifier } from '@meridian/queue';
import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

/**
 * Counts ended executions down on the jobs that depend on them (see DependencyRepository.settle)
 * and tells Redis about the jobs a failed workflow cancelled. Called right after an execution ends,
 * by whichever process ended it; never throws: a settle that fails here is found and done again by
 * the scheduler's reconciler. Ends settled at about the same time (a worker's concurrent attempts)
 * share one settle, so a wide workflow costs a transaction per step of many nodes, not per node.
 */
@Injectable()
export class DependencySettler {
  private readonly batches = new GroupCommit<string, void>(async (executionIds) => {
    const result = await this.dependencies.settle(executionIds);
    for (const { queue, executions } of result.cancelled) {
      await this.cancellations.notify(queue, executions, this.logger.logger.child({ reason: 'workflow_failed' }));
    }
    if (result.released + result.skipped > 0) {
      this.logger.debug({ executionIds, ...result }, 'dependents settled');
    }
    return executionIds.map(() => undefined);
  });

  constructor(
    private readonly dependencies: DependencyRepository,
    private readonly cancellations: CancellationNotifier,
    @InjectPinoLogger(DependencySettler.name) private readonly logger: PinoLogger,
  ) {}

  async settle(executionIds: readonly string[]): Promise<void> {
    await Promise.all(
      executionIds.map((executionId) =>
        this.batches.submit(executionId).catch((error: unknown) => {
          this.logger.warn({ executionId, err: error }, 'settling dependents failed; the reconciler will do it');
        }),
      ),
    );
  }
}
