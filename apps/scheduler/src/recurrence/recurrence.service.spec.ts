import { describe, expect, it } from '@jest/globals';
import {
  type OccurrenceRepository,
  type RecurringJobState,
  type TickDecision,
  type TickResult,
  toRecurringSchedule,
} from '@meridian/db';
import { createMetricCatalog } from '@meridian/metrics';
import type { CancelledInPostgres, ScheduleTick, TickQueueGateway } from '@meridian/queue';
import type { CancellationService } from '@meridian/services';
import type { PinoLogger } from 'nestjs-pino';

import type { OutboxRelayService } from '../outbox/outbox-relay.service.js';
import { LostRuns } from '../reconciler/lost-runs.js';
import type { RedisLossWatcher } from '../reconciler/redis-loss-watcher.service.js';
import { RecurrenceService } from './recurrence.service.js';
import { RedisUncheckedError } from './redis-unchecked.error.js';

type Answer = (tick: { jobId: string; due: Date }, decide: (job: RecurringJobState) => TickDecision) => TickResult;

/** The ledger: answers each tick with `answer`, keeping each batch it was given and what it was told. */
class FakeOccurrenceRepository {
  readonly batches: { jobId: string; due: Date }[][] = [];
  readonly lostRuns: (readonly string[])[] = [];

  constructor(
    private readonly events: string[],
    private readonly answer: Answer,
  ) {}

  handleTicks(
    ticks: readonly { jobId: string; due: Date }[],
    clock: () => Date,
    decide: (job: RecurringJobState, now: Date) => TickDecision,
    options: { lostRuns?: readonly string[] } = {},
  ): Promise<TickResult[]> {
    this.events.push('handle ticks');
    this.batches.push([...ticks]);
    this.lostRuns.push(options.lostRuns ?? []);
    const now = clock();
    return Promise.resolve(ticks.map((tick) => this.answer(tick, (job) => decide(job, now))));
  }
}

const nothingSuperseded = { queue: 'default', executions: [] };
const handled = (nextRunAt: Date | null, enqueued = 1): TickResult => ({
  kind: 'handled',
  nextRunAt,
  enqueued,
  superseded: nothingSuperseded,
});

function aRecurrenceService(answer: Answer, { redisAnswers = true }: { redisAnswers?: boolean } = {}) {
  const events: string[] = [];
  const occurrences = new FakeOccurrenceRepository(events, answer);
  const armed: ScheduleTick[][] = [];
  const ticks = {
    armTicks: (next: readonly ScheduleTick[]) => {
      armed.push([...next]);
      return Promise.resolve();
    },
  };
  let relayPasses = 0;
  const relay = { relayNow: () => Promise.resolve((relayPasses += 1)).then(() => undefined) };
  const cancelled: { queue: string; ids: string[]; context: object }[] = [];
  const cancellations = {
    afterCancelled: (queue: string, executions: readonly CancelledInPostgres[], context: object) => {
      if (executions.length > 0) {
        cancelled.push({ queue, ids: executions.map((execution) => execution.id), context });
      }
      return Promise.resolve();
    },
  };
  const redisLoss = {
    checkNow: () => {
      events.push('check redis');
      return Promise.resolve(redisAnswers);
    },
  };
  const lostRuns = new LostRuns();
  const silent = { debug: () => undefined };
  const sut = new RecurrenceService(
    occurrences as unknown as OccurrenceRepository,
    ticks as unknown as TickQueueGateway,
    relay as unknown as OutboxRelayService,
    cancellations as unknown as CancellationService,
    redisLoss as unknown as RedisLossWatcher,
    lostRuns,
    createMetricCatalog('scheduler', { processMetrics: false }),
    silent as unknown as PinoLogger,
  );
  return { sut, events, occurrences, armed, cancelled, lostRuns, relayPasses: () => relayPasses };
}

const MINUTE = 60_000;
/** A tick due a moment ago, so the service does not wait for it. */
const dueJustNow = () => new Date(Math.floor(Date.now() / MINUTE) * MINUTE);

describe(RecurrenceService.name, () => {
  it('should handle the ticks that arrive together as one batch, with one relay pass and one arming of their next ticks', async () => {
    const due = dueJustNow();
    const next = new Date(due.getTime() + MINUTE);
    const { sut, occurrences, armed, relayPasses } = aRecurrenceService(() => handled(next));

    await Promise.all([
      sut.handleTick({ jobId: 'j1', nominalTime: due }),
      sut.handleTick({ jobId: 'j2', nominalTime: due }),
    ]);

    expect(occurrences.batches).toEqual([
      [
        { jobId: 'j1', due },
        { jobId: 'j2', due },
      ],
    ]);
    expect(relayPasses()).toBe(1);
    expect(armed).toEqual([
      [
        { jobId: 'j1', nominalTime: next },
        { jobId: 'j2', nominalTime: next },
      ],
    ]);
  });

  it('should check Redis for a loss before deciding, and pass on the runs lately lost with it', async () => {
    const { sut, events, occurrences, lostRuns } = aRecurrenceService(() => handled(null));
    lostRuns.remember(['e-lost']);

    await sut.handleTick({ jobId: 'j1', nominalTime: dueJustNow() });

    expect(events).toEqual(['check redis', 'handle ticks']);
    expect(occurrences.lostRuns).toEqual([['e-lost']]);
  });

  it('should decide nothing while Redis cannot be checked for a loss, and fail the ticks so they are retried', async () => {
    const { sut, events, occurrences, armed } = aRecurrenceService(() => handled(null), { redisAnswers: false });

    await expect(sut.handleTick({ jobId: 'j1', nominalTime: dueJustNow() })).rejects.toThrow(RedisUncheckedError);

    expect(events).toEqual(['check redis']);
    expect(occurrences.batches).toEqual([]);
    expect(armed).toEqual([]);
  });

  it('should carry the cancel of the runs an occurrence superseded to Redis and their dependents', async () => {
    const { sut, cancelled } = aRecurrenceService(() => ({
      kind: 'handled',
      nextRunAt: null,
      enqueued: 1,
      superseded: { queue: 'reports', executions: [{ id: 'e-old', previousStatus: 'RUNNING' }] },
    }));

    await sut.handleTick({ jobId: 'j1', nominalTime: dueJustNow() });

    expect(cancelled).toEqual([{ queue: 'reports', ids: ['e-old'], context: { jobId: 'j1', reason: 'superseded' } }]);
  });

  it('should arm the real next tick of a stale tick without asking the relay for a pass', async () => {
    const next = new Date(dueJustNow().getTime() + 5 * MINUTE);
    const { sut, armed, relayPasses } = aRecurrenceService(() => ({ kind: 'stale', nextRunAt: next }));

    await sut.handleTick({ jobId: 'j1', nominalTime: dueJustNow() });

    expect(relayPasses()).toBe(0);
    expect(armed).toEqual([[{ jobId: 'j1', nominalTime: next }]]);
  });

  it('should decide a tick by its schedule: the due occurrence runs, and the next tick is one interval on', async () => {
    const due = dueJustNow();
    let decision: TickDecision | undefined;
    const { sut } = aRecurrenceService((tick, decide) => {
      decision = decide({
        id: tick.jobId,
        namespace: 'default',
        schedule: toRecurringSchedule({ every: '1m' }),
        nextRunAt: tick.due,
        occurrenceCount: 0,
        overlap: 'allow',
        catchUp: { policy: 'skip', windowMs: MINUTE, max: 100 },
        inFlight: { live: 0, buffered: 0 },
        paused: false,
      });
      return handled(decision.nextRunAt);
    });

    await sut.handleTick({ jobId: 'j1', nominalTime: due });

    expect(decision?.occurrences).toEqual([expect.objectContaining({ nominalTime: due, runAt: due })]);
    expect(decision?.nextRunAt).toEqual(new Date(due.getTime() + MINUTE));
    expect(decision?.cancelInFlight).toBe(false);
  });
});
