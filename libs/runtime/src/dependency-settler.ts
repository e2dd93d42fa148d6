import { DependencyRepository } from '@meridian/db';
import { CancellationNotifier } from '@meridian/queue';
import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

/**
 * Counts ended executions down on the jobs that depend on them (see DependencyRepository.settle)
 * and tells Redis about the jobs a failed workflow cancelled. Called right after an execution ends,
 * by whichever process ended it; never throws: a settle that fails here is found and done again by
 * the scheduler's reconciler.
 */
@Injectable()
export class DependencySettler {
  constructor(
    private readonly dependencies: DependencyRepository,
    private readonly cancellations: CancellationNotifier,
    @InjectPinoLogger(DependencySettler.name) private readonly logger: PinoLogger,
  ) {}

  async settle(executionIds: readonly string[]): Promise<void> {
    for (const executionId of executionIds) {
      try {
        const result = await this.dependencies.settle(executionId);
        for (const { queue, executions } of result.cancelled) {
          await this.cancellations.notify(
            queue,
            executions,
            this.logger.logger.child({ reason: 'workflow_failed', after: executionId }),
          );
        }
        if (result.released + result.skipped > 0) {
          this.logger.debug({ executionId, ...result }, 'dependents settled');
        }
      } catch (error) {
        this.logger.warn({ executionId, err: error }, 'settling dependents failed; the reconciler will do it');
      }
    }
  }
}
