import { describe, expect, it } from '@jest/globals';
import type { ActivityWindow, ExecutionActivity, OverviewRepository } from '@meridian/db';
import type { ExecutionQueueGateway } from '@meridian/queue';
import type { PinoLogger } from 'nestjs-pino';

import { OverviewService } from './overview.service.js';

const now = new Date('2026-03-02T09:30:20.000Z');
const silent = { info: () => undefined, warn: () => undefined, debug: () => undefined, error: () => undefined };

/** The overview's reads: the activity given, the window it was asked about, and an outbox of 3 rows. */
class FakeReads {
  asked: { namespace: string; window: ActivityWindow }[] = [];

  constructor(private readonly answer: ExecutionActivity) {}

  executionActivity(namespace: string, window: ActivityWindow) {
    this.asked.push({ namespace, window });
    return Promise.resolve(this.answer);
  }

  outboxBacklog() {
    return Promise.resolve({ rows: 3, oldestCreatedAt: new Date(now.getTime() - 2500) });
  }
}

/** Two queues; either measure can be made to fail, as it does when Redis does not answer. */
class FakeQueues {
  jobsFail = false;
  workersFail = false;

  all() {
    return [{ name: 'default' }, { name: 'email' }];
  }

  countJobs() {
    return this.jobsFail
      ? Promise.reject(new Error('Connection is closed.'))
      : Promise.resolve([
          { queue: 'default', counts: { waiting: 1, prioritized: 2, delayed: 3, active: 4 } },
          { queue: 'email', counts: { waiting: 0, prioritized: 0, delayed: 0, active: 0 } },
        ]);
  }

  countWorkers() {
    return this.workersFail
      ? Promise.reject(new Error('ERR unknown command CLIENT'))
      : Promise.resolve([
          { queue: 'default', workers: 2 },
          { queue: 'email', workers: 1 },
        ]);
  }
}

const none = { succeeded: 0, dead: 0, cancelled: 0, failedAttempts: 0, timedOutAttempts: 0 };

function setup(activity: ExecutionActivity = { buckets: [], lateness: emptyLateness() }) {
  const activities = new FakeReads(activity);
  const queues = new FakeQueues();
  const sut = new OverviewService(
    activities as unknown as OverviewRepository,
    queues as unknown as ExecutionQueueGateway,
    silent as unknown as PinoLogger,
  );
  return { sut, activities, queues };
}

function emptyLateness() {
  return { measured: 0, p50Ms: null, p99Ms: null, maxMs: null };
}

describe(OverviewService.name, () => {
  it('should show every bucket of the window, with nothing where nothing ended, and add them up', async () => {
    const lateness = { measured: 7, p50Ms: 12, p99Ms: 900, maxMs: 950 };
    const { sut, activities } = setup({
      buckets: [
        { index: 0, ...none, succeeded: 4, failedAttempts: 1 },
        { index: 4, ...none, dead: 1, failedAttempts: 2, timedOutAttempts: 1, cancelled: 2 },
      ],
      lateness,
    });

    const overview = await sut.get('acme', 5, now);

    expect(activities.asked).toEqual([
      {
        namespace: 'acme',
        window: {
          from: new Date('2026-03-02T09:26:00.000Z'),
          to: new Date('2026-03-02T09:31:00.000Z'),
          bucketSeconds: 60,
          buckets: 5,
        },
      },
    ]);
    expect(overview.generatedAt).toBe(now.toISOString());
    expect(overview.window).toEqual({
      from: '2026-03-02T09:26:00.000Z',
      to: '2026-03-02T09:31:00.000Z',
      bucketSeconds: 60,
    });
    expect(overview.throughput.buckets).toEqual([
      { start: '2026-03-02T09:26:00.000Z', ...none, succeeded: 4, failedAttempts: 1 },
      { start: '2026-03-02T09:27:00.000Z', ...none },
      { start: '2026-03-02T09:28:00.000Z', ...none },
      { start: '2026-03-02T09:29:00.000Z', ...none },
      { start: '2026-03-02T09:30:00.000Z', ...none, dead: 1, failedAttempts: 2, timedOutAttempts: 1, cancelled: 2 },
    ]);
    expect(overview.throughput.totals).toEqual({
      succeeded: 4,
      dead: 1,
      cancelled: 2,
      failedAttempts: 3,
      timedOutAttempts: 1,
    });
    expect(overview.lateness).toEqual(lateness);
    expect(overview.outbox).toEqual({ rows: 3, oldestAgeSeconds: 2.5 });
  });

  it("should show each queue's jobs by state and its workers", async () => {
    const { sut } = setup();

    const { queues } = await sut.get('acme', 60, now);

    expect(queues).toEqual([
      { name: 'default', waiting: 1, prioritized: 2, delayed: 3, active: 4, workers: 2 },
      { name: 'email', waiting: 0, prioritized: 0, delayed: 0, active: 0, workers: 1 },
    ]);
  });

  it('should leave null what Redis did not answer, and show the rest', async () => {
    const { sut, queues } = setup();
    queues.workersFail = true;

    const withoutWorkers = await sut.get('acme', 60, now);
    queues.jobsFail = true;
    const withoutQueues = await sut.get('acme', 60, now);

    expect(withoutWorkers.queues[0]).toEqual({
      name: 'default',
      waiting: 1,
      prioritized: 2,
      delayed: 3,
      active: 4,
      workers: null,
    });
    expect(withoutQueues.queues[1]).toEqual({
      name: 'email',
      waiting: null,
      prioritized: null,
      delayed: null,
      active: null,
      workers: null,
    });
    expect(withoutQueues.outbox.rows).toBe(3);
  });
});
