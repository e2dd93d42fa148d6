import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { TEST_REDIS_URL, testRedisPrefix, waitFor } from '@meridian/testing';
import type { Redis } from 'ioredis';

import { RedisChannel } from './redis-channel.js';
import { createRedisConnection } from './redis-connection.factory.js';

describe(RedisChannel.name, () => {
  let redis: Redis;
  let subscriber: Redis;
  let prefix: string;
  let sut: RedisChannel;

  beforeEach(() => {
    redis = createRedisConnection({ url: TEST_REDIS_URL }, 'redis-channel-test');
    subscriber = redis.duplicate();
    prefix = testRedisPrefix();
    sut = new RedisChannel(redis, prefix, 'news');
  });
  afterEach(async () => {
    await subscriber.quit();
    await redis.quit();
  });

  it("should deliver what is published on its channel, and nothing of another channel's or prefix's", async () => {
    const heard: string[] = [];
    await sut.subscribe(subscriber, (message) => heard.push(message));

    await new RedisChannel(redis, prefix, 'other').publish('not this');
    await new RedisChannel(redis, testRedisPrefix(), 'news').publish('nor this');
    await sut.publish('first');
    await sut.publish('second');

    await waitFor(() => Promise.resolve(heard.length >= 2 ? true : undefined));
    expect(heard).toEqual(['first', 'second']);
  });

  it('should tell a listener when its connection drops and when it listens again, and deliver after that', async () => {
    const events: string[] = [];
    const heard: string[] = [];
    const subscription = sut.listen((message) => heard.push(message), {
      onListening: () => events.push('listening'),
      onDeaf: () => events.push('deaf'),
      onError: () => {},
    });
    try {
      await subscription.subscribed;
      expect(events).toEqual(['listening']);

      // The listener's connection is named after its channel, which this test's prefix makes unique.
      const clients = String(await redis.client('LIST'));
      const own = clients.split('\n').find((line) => line.includes(` name=${prefix}:news:subscriber `));
      const id = /\bid=(\d+)/.exec(own ?? '')?.[1];
      expect(id).toBeDefined();
      await redis.client('KILL', 'ID', id ?? '');

      await waitFor(() => Promise.resolve(events.length > 1 && events.at(-1) === 'listening' ? true : undefined));
      expect(events[1]).toBe('deaf');
      await waitFor(async () => {
        await sut.publish('after');
        return heard.includes('after') ? true : undefined;
      });
    } finally {
      await subscription.close();
    }
  });
});
