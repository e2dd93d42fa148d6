import { Redis } from 'ioredis';

export interface RedisOptions {
  /** redis:// or rediss:// URL. */
  url: string;
}

/**
 * How a connection behaves while Redis is away:
 * - `worker`: commands wait through a reconnect (`maxRetriesPerRequest: null`), which BullMQ
 *   requires of the connections its workers block on;
 * - `client`: commands fail at once, so an API request or a relay pass answers or retries instead of
 *   hanging until Redis is back; a command already sent when the connection drops fails after
 *   {@link CLIENT_COMMAND_TIMEOUT_MS} rather than waiting for the reconnect.
 */
export type RedisConnectionMode = 'worker' | 'client';

/**
 * How long a `client` connection's command may go unanswered. Redis answers in well under a
 * millisecond; an answer this late means the connection died under the command (it would otherwise
 * wait for the reconnect, holding an API request for the whole outage).
 */
export const CLIENT_COMMAND_TIMEOUT_MS = 2000;

export function createRedisConnection(
  options: RedisOptions,
  name: string,
  mode: RedisConnectionMode = 'worker',
): Redis {
  return new Redis(
    options.url,
    mode === 'worker'
      ? { maxRetriesPerRequest: null, connectionName: name }
      : {
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          commandTimeout: CLIENT_COMMAND_TIMEOUT_MS,
          connectionName: name,
        },
  );
}
