import type { Redis } from 'ioredis';

/**
 * `redis` seen through a counter of the commands sent on it, for tests that hold a path to a number
 * of round trips. `reset()` starts the count again.
 */
export function countRedisCommands(redis: Redis): { redis: Redis; count: () => number; reset: () => void } {
  let commands = 0;
  const counted = new Proxy(redis, {
    get(target, property, receiver) {
      if (property === 'sendCommand') {
        return (...args: Parameters<Redis['sendCommand']>) => {
          commands += 1;
          return target.sendCommand(...args);
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  return { redis: counted, count: () => commands, reset: () => (commands = 0) };
}
