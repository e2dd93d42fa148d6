/**
 * A tick batch that could not check Redis for a loss of its data (Redis did not answer): it decides
 * nothing, since a run lost with Redis would count as in progress and skip an occurrence. Its ticks
 * fail and are retried with their backoff, or re-armed by the rebuild when Redis did lose them.
 */
export class RedisUncheckedError extends Error {
  override readonly name = 'RedisUncheckedError';

  constructor() {
    super('redis could not be checked for a loss of its data; the ticks are not decided');
  }
}
