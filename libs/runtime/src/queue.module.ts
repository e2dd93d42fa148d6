import type { MeridianConfig } from '@meridian/config';
import {
  CancellationBus,
  CancellationNotifier,
  createRedisConnection,
  ExecutionQueueGateway,
  NamespaceAdmission,
  TickQueueGateway,
} from '@meridian/queue';
import { type DynamicModule, Module } from '@nestjs/common';
import type { Redis } from 'ioredis';

import type { Component } from './component.js';
import { RedisHealthRepository } from './redis-health.repository.js';
import { REDIS } from './tokens.js';

/**
 * Redis for one process: its shared connection and what runs over it (the execution queues, the tick
 * queue, the cancellation channel, namespace admission), global because every app uses them. Imported once,
 * in the app's root module.
 */
@Module({})
export class QueueModule {
  static forRoot(config: MeridianConfig, component: Component): DynamicModule {
    return {
      module: QueueModule,
      global: true,
      providers: [
        {
          provide: REDIS,
          useFactory: () =>
            createRedisConnection(config.redis, `meridian-${component}`, component === 'worker' ? 'worker' : 'client'),
        },
        {
          provide: RedisHealthRepository,
          useFactory: (redis: Redis) => new RedisHealthRepository(redis),
          inject: [REDIS],
        },
        {
          provide: ExecutionQueueGateway,
          useFactory: (redis: Redis) =>
            new ExecutionQueueGateway({ connection: redis, prefix: config.redis.prefix, queues: config.queues }),
          inject: [REDIS],
        },
        {
          provide: TickQueueGateway,
          useFactory: (redis: Redis) => new TickQueueGateway({ connection: redis, prefix: config.redis.prefix }),
          inject: [REDIS],
        },
        {
          provide: CancellationBus,
          useFactory: (redis: Redis) => new CancellationBus(redis, config.redis.prefix),
          inject: [REDIS],
        },
        {
          provide: NamespaceAdmission,
          useFactory: (redis: Redis) => new NamespaceAdmission(redis, config.redis.prefix),
          inject: [REDIS],
        },
        {
          provide: CancellationNotifier,
          useFactory: (queues: ExecutionQueueGateway, bus: CancellationBus) => new CancellationNotifier(queues, bus),
          inject: [ExecutionQueueGateway, CancellationBus],
        },
      ],
      exports: [
        REDIS,
        RedisHealthRepository,
        ExecutionQueueGateway,
        TickQueueGateway,
        CancellationBus,
        NamespaceAdmission,
        CancellationNotifier,
      ],
    };
  }
}
