import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import { newId, type OverlapPolicy } from '@meridian/domain';
import { aJobSpec, createTestDatabase, type TestDatabase } from '@meridian/testing';

import { ExecutionRepository } from './execution.repository.js';
import { JobRepository } from './job.repository.js';
import { OccurrenceRepository } from './occurrence.repository.js';
import { OutboxRepository } from './outbox.repository.js';
import { connectPostgres, type Database, type Postgres } from './postgres.js';
import { toRecurringSchedule } from './records.js';
import { RecurringJobRepository } from './recurring-job.repository.js';

/** createTestDatabase() retries while other test runs clone the shared template; bound it above that. */
const CLONE_TIMEOUT_MS = 30_000;

/** The first nominal time of every recurring job the fixture makes. */
export const FIRST = new Date('2026-05-01T10:00:00Z');

/** What the int-specs of recurring jobs work with; set in `beforeAll`. */
export interface RecurringJobFixture {
  db: Database;
  jobs: JobRepository;
  executions: ExecutionRepository;
  recurringJobs: RecurringJobRepository;
  occurrences: OccurrenceRepository;
  /** A recurring job every minute from {@link FIRST}, its arming outbox row already gone. */
  aRecurringJob: (overlap?: OverlapPolicy) => Promise<string>;
  /** Relays every outbox row it may, and returns the execution ids handed over, in order. */
  relay: () => Promise<string[]>;
  /** Runs the execution's next attempt to success. */
  finish: (executionId: string) => Promise<void>;
}

/**
 * A database of the suite's own with the repositories around recurring jobs, emptied before each
 * test (call in a `describe`).
 */
export function useRecurringJobFixture(): RecurringJobFixture {
  let database: TestDatabase;
  let postgres: Postgres;
  let outbox: OutboxRepository;
  const fixture = {
    async aRecurringJob(overlap: OverlapPolicy = 'skip') {
      const spec = aJobSpec({ schedule: { every: '1m' }, overlap });
      const job = await fixture.jobs.createRecurring({
        jobId: newId(),
        namespace: 'default',
        spec,
        schedule: toRecurringSchedule(spec.recurrence?.schedule),
        firstRunAt: FIRST,
        overlap,
        catchUp: { policy: 'skip', windowMs: 60_000, max: 100 },
        idempotencyKey: null,
        requestHash: null,
      });
      await fixture.db.$executeRaw`TRUNCATE outbox`;
      return job?.id ?? '';
    },
    async relay() {
      const relayed: string[] = [];
      await outbox.relayBatch(100, (items) => {
        relayed.push(...items.map((item) => item.executionId));
        return Promise.resolve();
      });
      return relayed;
    },
    async finish(executionId: string) {
      const started = await fixture.executions.startAttempt(executionId, 'worker-1', new Date());
      await fixture.executions.finishAttempt(
        executionId,
        started?.attempt ?? 0,
        { status: 'SUCCEEDED', result: null },
        new Date(),
      );
    },
  } as RecurringJobFixture;

  beforeAll(async () => {
    database = await createTestDatabase();
    postgres = connectPostgres({ url: database.url, poolSize: 10 });
    const db = postgres.prisma;
    outbox = new OutboxRepository(db, postgres.sql);
    Object.assign(fixture, {
      db,
      jobs: new JobRepository(db, postgres.sql),
      executions: new ExecutionRepository(db, postgres.sql),
      recurringJobs: new RecurringJobRepository(db),
      occurrences: new OccurrenceRepository(db, postgres.sql),
    });
  }, CLONE_TIMEOUT_MS);

  beforeEach(async () => {
    await fixture.db.$executeRaw`TRUNCATE jobs CASCADE`;
    await fixture.db.$executeRaw`TRUNCATE outbox`;
  });

  afterAll(async () => {
    await postgres.close();
    await database.drop();
  });

  return fixture;
}
