import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `tick` over and over until stopped; `tick` returns how long to wait before the next run.
 * `stop()` waits for a tick in progress, so a shutdown never cuts one in half.
 */
export class BackgroundLoop {
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;

  constructor(private readonly tick: () => Promise<number>) {}

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      const waitMs = await this.tick();
      if (waitMs > 0) {
        await sleep(waitMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }
}
