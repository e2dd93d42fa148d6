import { CancellationNotifier, type CancelledInPostgres } from '@meridian/queue';
import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { DependencySettler } from './dependency-settler.js';

/**
 * What follows a cancel Postgres already committed, wherever it was made (a job deleted or its runs
 * stopped, a workflow cancelled, a recurring job's runs superseded): Redis is told, so a queued run
 * leaves its queue and a running one gets its abort signal (see CancellationNotifier), then the
 * cancelled executions' dependents count their end (see DependencySettler). Neither step throws: a
 * Redis that cannot be told is covered by the worker refusing the run, a settle that fails by the
 * scheduler's reconciler.
 */
@Injectable()
export class CancellationService {
  constructor(
    private readonly notifier: CancellationNotifier,
    private readonly settler: DependencySettler,
    @InjectPinoLogger(CancellationService.name) private readonly logger: PinoLogger,
  ) {}

  /**
   * Carries the cancel of `executions`, all of `queue`, to Redis and to their dependents.
   * `logContext` (e.g. `{ jobId }`) goes on the log line of each cancelled execution.
   */
  async afterCancelled(
    queue: string,
    executions: readonly CancelledInPostgres[],
    logContext: Record<string, unknown>,
  ): Promise<void> {
    if (executions.length === 0) {
      return;
    }
    await this.notifier.notify(queue, executions, this.logger.logger.child(logContext));
    await this.settler.settle(executions.map((execution) => execution.id));
  }
}
