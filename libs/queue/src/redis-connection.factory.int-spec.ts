import { afterEach, describe, expect, it } from '@jest/globals';
import { FaultProxy, type PrivateRedis, proxiedUrl, startPrivateRedis, waitFor } from '@meridian/testing';
import type { Redis } from 'ioredis';

import { CLIENT_COMMAND_TIMEOUT_MS, createRedisConnection } from './redis-connection.factory.js';

describe(createRedisConnection.name, () => {
  let server: PrivateRedis | undefined;
  let proxy: FaultProxy | undefined;
  let redis: Redis | undefined;

  afterEach(async () => {
    redis?.disconnect();
    proxy?.restore();
    await proxy?.close();
    await server?.stop();
  });

  it('should fail a client command sent as the connection drops, not hold it until Redis is back', async () => {
    server = await startPrivateRedis();
    proxy = await FaultProxy.start({ host: '127.0.0.1', port: server.port });
    redis = createRedisConnection({ url: proxiedUrl(server.url, proxy) }, 'connection-test', 'client');
    await waitFor(() => Promise.resolve(redis?.status === 'ready' ? true : undefined), { what: 'the connection' });
    expect(await redis.ping()).toBe('PONG');

    proxy.cut();
    const outcome = await Promise.race([
      redis.ping().then(
        () => 'answered',
        () => 'failed',
      ),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), CLIENT_COMMAND_TIMEOUT_MS * 2)),
    ]);

    expect(outcome).toBe('failed');
  });
});
