/** An execution names a queue this process was not configured with (QUEUES). */
export class UnknownQueueAtDispatchError extends Error {
  constructor(readonly queue: string) {
    super(`queue "${queue}" is not configured in this process (QUEUES)`);
    this.name = 'UnknownQueueAtDispatchError';
  }
}
