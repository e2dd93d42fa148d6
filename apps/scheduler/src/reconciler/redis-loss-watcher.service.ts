import type { MeridianConfig } from '@meridian/config';
import { RedisDataLossDetector } from '@meridian/queue';
import { BackgroundLoop, CONFIG, REDIS } from '@meridian/runtime';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { ReconcilerService } from './reconciler.service.js';

/**
 * Watches Redis for a loss of its data (a flush, an empty restart, a failover) and has the
 * reconciler rebuild it from Postgres at once, so delayed jobs, queued runs and schedule ticks are
 * back within about one check interval instead of after the reconciler's grace. Checks every
 * `REDIS_LOSS_CHECK_INTERVAL_MS` (one GET) and right after each reconnect.
 */
@Injectable()
export class RedisLossWatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly detector: RedisDataLossDetector;
  private readonly loop = new BackgroundLoop(() => this.tick());
  /** The next check also compares the server's run_id: true at boot and after each reconnect. */
  private reconnected = true;
  /** A loss was found but its pass failed (Redis went away again): the next check runs it anyway. */
  private owedPass = false;
  /** Whether a check has answered since this process started. */
  private checkedOnce = false;
  private checking: Promise<boolean> | undefined;
  /** The check that starts when the one under way ends, for callers that arrived during it. */
  private nextCheck: Promise<boolean> | undefined;
  private readonly onReady = () => {
    this.reconnected = true;
    this.loop.wake();
  };

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly reconciler: ReconcilerService,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    @InjectPinoLogger(RedisLossWatcher.name) private readonly logger: PinoLogger,
  ) {
    this.detector = new RedisDataLossDetector(redis, config.redis.prefix);
  }

  onApplicationBootstrap(): void {
    this.redis.on('ready', this.onReady);
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.redis.off('ready', this.onReady);
    await this.loop.stop();
  }

  /**
   * Checks now, and rebuilds Redis first if it lost its data: a schedule tick calls it before it
   * decides, so that a tick held in memory through a loss does not decide on runs Redis no longer
   * holds. A check already under way may have read the marker before the loss the caller must see,
   * so the caller waits for it and then for a check of its own, which every caller that arrives
   * meanwhile shares. Never fails; answers whether Redis is known to hold what Postgres says it
   * should: false when Redis did not answer (a restart the connection has not caught up with yet)
   * or the rebuild after a loss is still owed, and the caller cannot tell a lost run from a live one.
   */
  async checkNow(): Promise<boolean> {
    if (this.checking === undefined) {
      return this.startCheck();
    }
    this.nextCheck ??= this.checking.then(() => {
      this.nextCheck = undefined;
      return this.startCheck();
    });
    return this.nextCheck;
  }

  private startCheck(): Promise<boolean> {
    this.checking = this.checkAndHeal().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async tick(): Promise<number> {
    await this.checkNow();
    return this.config.reconciler.redisLossCheckIntervalMs;
  }

  private async checkAndHeal(): Promise<boolean> {
    const afterReconnect = this.reconnected;
    this.reconnected = false;
    const firstCheck = !this.checkedOnce;
    try {
      const lost = await this.detector.check(afterReconnect);
      this.checkedOnce = true;
      if (lost || this.owedPass) {
        this.owedPass = true;
        const started = Date.now();
        const restored = await this.reconciler.reconcileAfterLoss();
        this.owedPass = false;
        const figures = { restored, ms: Date.now() - started };
        if (firstCheck) {
          // No marker when this process first looks: a new deployment (or a new Redis prefix), or a
          // Redis emptied while no scheduler ran. The pass is right either way; only the second is a loss.
          this.logger.info(figures, 'no data marker in redis at start; checked redis against postgres');
        } else {
          this.logger.warn(figures, 'redis lost its data; rebuilt it from postgres');
        }
      }
      return true;
    } catch (error) {
      this.reconnected ||= afterReconnect;
      this.logger.warn({ err: error }, 'redis data check failed; checking again');
      return false;
    }
  }
}
