import type { CancellationBus } from './cancellation-bus.js';
import type { ExecutionQueueGateway } from './execution-queue.gateway.js';

/** An execution Postgres already holds as CANCELLED, with the status it was cancelled from. */
export interface CancelledInPostgres {
  id: string;
  previousStatus: string;
}

export interface CancellationLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/**
 * Tells Redis about executions cancelled in Postgres: one waiting in its queue (or a parent waiting
 * for its children) leaves it, one being run is signalled to its worker. Postgres decides; if Redis cannot be reached, a leftover delivery
 * is refused by the worker's start write and a running attempt's result is refused as stale, so the
 * cancel holds anyway and a failure here is only logged.
 */
export class CancellationNotifier {
  constructor(
    private readonly queues: ExecutionQueueGateway,
    private readonly bus: CancellationBus,
  ) {}

  async notify(queue: string, executions: readonly CancelledInPostgres[], log: CancellationLog): Promise<void> {
    for (const execution of executions) {
      try {
        // A RUNNING execution is either held by a worker (the removal fails: signal it) or a parent
        // parked in waiting-children, waiting for its children (removed, as a queued one is).
        const removal = await this.queues.remove(queue, execution.id);
        if (removal === 'active' || (removal === 'absent' && execution.previousStatus === 'RUNNING')) {
          await this.bus.publish(execution.id);
        }
        log.info({ executionId: execution.id, from: execution.previousStatus, removal }, 'execution cancelled');
      } catch (error) {
        log.warn(
          { executionId: execution.id, err: error },
          'execution cancelled; Redis could not be told, the worker will refuse it',
        );
      }
    }
  }
}
