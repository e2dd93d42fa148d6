import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `tick` over and over until stopped; `tick` returns how long to wait before the next run.
 * `stop()` waits for a tick in progress, so a shutdown never cuts one in half; `wake()` ends the
 * wait at once (or, during a tick, skips the next wait), for work that announces itself.
 */
export class BackgroundLoop {
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;
  private woken = false;
  private waiting: AbortController | undefined;

  constructor(private readonly tick: () => Promise<number>) {}

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  wake(): void {
    this.woken = true;
    this.waiting?.abort();
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      this.woken = false;
      const waitMs = await this.tick();
      if (waitMs > 0 && !this.woken) {
        this.waiting = new AbortController();
        const signal = AbortSignal.any([this.stopping.signal, this.waiting.signal]);
        await sleep(waitMs, undefined, { signal }).catch(() => undefined);
        this.waiting = undefined;
      }
    }
  }
}
