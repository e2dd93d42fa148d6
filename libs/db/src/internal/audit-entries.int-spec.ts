import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newId, parseWorkflowSpec } from '@meridian/domain';
import { aJobSpec, aNewJob, createTestDatabase, type TestDatabase } from '@meridian/testing';

import { ApiKeyRepository } from '../api-key.repository.js';
import { ExecutionRepository } from '../execution.repository.js';
import { JobRepository } from '../job.repository.js';
import { NamespaceRepository } from '../namespace.repository.js';
import { connectPostgres, type Database, type Postgres } from '../postgres.js';
import { toRecurringSchedule } from '../records.js';
import { RecurringJobRepository } from '../recurring-job.repository.js';
import { WorkflowRepository } from '../workflow.repository.js';
import type { AuditOf } from './audit-entries.js';

/** createTestDatabase() retries while other test runs clone the shared template; bound it above that. */
const CLONE_TIMEOUT_MS = 30_000;

/** One audited change: made with an entry, and whether it shows in the database. */
interface AuditedChange {
  change: (audit: AuditOf<unknown>) => Promise<unknown>;
  changed: () => Promise<boolean>;
}

/**
 * Every change made through the API hands its audit entry to the repository that makes it, which
 * writes the entry in the change's own transaction: a change that committed has its entry, and one
 * that failed (here: because Postgres refused its entry) left neither.
 */
describe('audit entries written with their change', () => {
  let database: TestDatabase;
  let db: Database;
  let postgres: Postgres;
  let jobs: JobRepository;
  let executions: ExecutionRepository;
  let recurringJobs: RecurringJobRepository;
  let workflows: WorkflowRepository;
  let keys: ApiKeyRepository;
  let namespaces: NamespaceRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    postgres = connectPostgres({ url: database.url, poolSize: 10 });
    db = postgres.prisma;
    jobs = new JobRepository(db, postgres.sql);
    executions = new ExecutionRepository(db, postgres.sql);
    recurringJobs = new RecurringJobRepository(db);
    workflows = new WorkflowRepository(db, postgres.sql);
    keys = new ApiKeyRepository(db, postgres.sql);
    namespaces = new NamespaceRepository(db);
  }, CLONE_TIMEOUT_MS);

  afterAll(async () => {
    await postgres.close();
    await database.drop();
  });

  /** An entry whose target is the one the change hands over (by its `id`), in a namespace of its own. */
  const anEntry =
    (namespace: string, targetId?: string): AuditOf<unknown> =>
    (changed) => ({
      namespace,
      actor: { keyId: 'key-1', name: 'ops' },
      action: 'test.changed',
      target: { type: 'thing', id: targetId ?? (changed as { id?: string; job?: { id: string } }).job?.id ?? '' },
      before: null,
      after: { changed },
    });
  /** The same entry, with a column Postgres refuses (actor_key_id is NOT NULL). */
  const aRefusedEntry =
    (namespace: string, targetId?: string): AuditOf<unknown> =>
    (changed) =>
      ({ ...anEntry(namespace, targetId)(changed), actor: { keyId: null, name: 'ops' } }) as never;

  const entriesOf = (namespace: string) => db.auditEntry.findMany({ where: { namespace } });

  async function aRecurringJob(): Promise<string> {
    const spec = aJobSpec({ schedule: { cron: '0 0 1 1 *' }, overlap: 'allow' });
    const job = await jobs.createRecurring({
      ...aNewJob(spec),
      schedule: toRecurringSchedule(spec.recurrence?.schedule),
      firstRunAt: new Date('2030-01-01T00:00:00Z'),
      overlap: 'allow',
      catchUp: { policy: 'skip', windowMs: 60_000, max: 100 },
    });
    return job?.id ?? '';
  }

  async function aDelayedJob(): Promise<string> {
    const input = aNewJob(aJobSpec({ delayMs: 3_600_000 }));
    await jobs.createWithFirstExecution(input);
    return input.jobId;
  }

  const jobState = async (id: string) => (await db.job.findUnique({ where: { id } }))?.scheduleState ?? null;

  const changes: Record<string, () => Promise<AuditedChange>> = {
    'the create of a one-off job': () => {
      const input = aNewJob(aJobSpec({ delayMs: 3_600_000 }));
      return Promise.resolve({
        change: (audit) => jobs.createWithFirstExecution(input, new Date(), audit),
        changed: async () => (await db.job.count({ where: { id: input.jobId } })) === 1,
      });
    },
    'the create of a recurring job': () => {
      const spec = aJobSpec({ schedule: { every: '1h' } });
      const input = {
        ...aNewJob(spec),
        schedule: toRecurringSchedule(spec.recurrence?.schedule),
        firstRunAt: new Date('2030-01-01T00:00:00Z'),
        overlap: 'skip' as const,
        catchUp: { policy: 'skip' as const, windowMs: 60_000, max: 100 },
      };
      return Promise.resolve({
        change: (audit) => jobs.createRecurring(input, new Date(), audit),
        changed: async () => (await db.job.count({ where: { id: input.jobId } })) === 1,
      });
    },
    'a batch create': () => {
      const jobIds = [newId(), newId()];
      const batch = {
        namespace: 'default',
        jobs: jobIds.map((jobId) => ({ kind: 'one_off' as const, jobId, executionId: newId(), spec: aJobSpec() })),
        idempotencyKey: null,
        requestHash: null,
      };
      return Promise.resolve({
        change: (audit) => jobs.createBatch(batch, new Date(), audit),
        changed: async () => (await db.job.count({ where: { id: { in: jobIds } } })) === 2,
      });
    },
    'the create of a job that depends on others': async () => {
      const dependency = await aDelayedJob();
      const input = { ...aNewJob(aJobSpec()), dependsOn: [{ jobId: dependency, onFailure: 'skip' as const }] };
      return {
        change: (audit) => workflows.createDependentJob(input, new Date(), audit),
        changed: async () => (await db.job.count({ where: { id: input.jobId } })) === 1,
      };
    },
    'a delete': async () => {
      const id = await aDelayedJob();
      return {
        change: (audit) => jobs.delete('default', id, audit({ id })),
        changed: async () => (await db.job.count({ where: { id } })) === 0,
      };
    },
    'a cancel': async () => {
      const id = await aDelayedJob();
      return {
        change: (audit) => executions.cancelByJob(id, new Date(), { namespace: 'default', entry: audit }),
        changed: async () => (await db.job.findUniqueOrThrow({ where: { id } })).status === 'CANCELLED',
      };
    },
    'a change of a recurring job': async () => {
      const id = await aRecurringJob();
      return {
        change: (audit) => recurringJobs.updateRecurring(id, { name: 'renamed' }, () => null, new Date(), audit),
        changed: async () => (await db.job.findUniqueOrThrow({ where: { id } })).name === 'renamed',
      };
    },
    'a pause': async () => {
      const id = await aRecurringJob();
      return {
        change: (audit) => recurringJobs.setPaused(id, { until: null, note: 'n' }, audit),
        changed: async () => (await jobState(id)) === 'PAUSED',
      };
    },
    'a trigger': async () => {
      const id = await aRecurringJob();
      return {
        change: (audit) => recurringJobs.trigger(id, new Date(), audit),
        changed: async () => (await db.execution.count({ where: { jobId: id } })) === 1,
      };
    },
    'a backfill': async () => {
      const id = await aRecurringJob();
      const times = [new Date('2025-01-01T00:00:00Z')];
      return {
        change: (audit) => recurringJobs.backfill(id, times, { mode: 'parallel', dryRun: false }, new Date(), audit),
        changed: async () => (await db.execution.count({ where: { jobId: id } })) === 1,
      };
    },
    'a retry': async () => {
      const id = await aDelayedJob();
      const [cancelled] = await executions.cancelByJob(id, new Date());
      return {
        change: (audit) => executions.retry('default', cancelled?.id ?? '', new Date(), audit),
        changed: async () => (await db.execution.count({ where: { jobId: id } })) === 2,
      };
    },
    'the create of a workflow': () => {
      const name = `w-${newId()}`;
      const spec = parseWorkflowSpec(
        { name, jobs: [{ key: 'a', name: 'a', handler: 'noop' }] },
        { maxPayloadBytes: 262_144, runAtPastToleranceMs: 60_000 },
        new Date(),
        () => [],
      );
      return Promise.resolve({
        change: (audit) => workflows.create('default', spec, new Date(), audit),
        changed: async () => (await db.workflow.count({ where: { name } })) === 1,
      });
    },
    'the cancel of a workflow': async () => {
      const spec = parseWorkflowSpec(
        { name: 'w', jobs: [{ key: 'a', name: 'a', handler: 'noop', delayMs: 3_600_000 }] },
        { maxPayloadBytes: 262_144, runAtPastToleranceMs: 60_000 },
        new Date(),
        () => [],
      );
      const { id } = await workflows.create('default', spec);
      return {
        change: (audit) => workflows.cancel('default', id, new Date(), audit),
        changed: async () => (await db.workflow.findUniqueOrThrow({ where: { id } })).cancelledAt !== null,
      };
    },
    'the create of a key': () => {
      const name = `key-${newId()}`;
      return Promise.resolve({
        change: (audit) => keys.create({ namespace: 'default', name, scopes: ['jobs:read'], createdBy: 'x' }, audit),
        changed: async () => (await db.apiKey.count({ where: { name } })) === 1,
      });
    },
    'the revocation of a key': async () => {
      const { record } = await keys.create({ namespace: 'default', name: 'k', scopes: ['jobs:read'], createdBy: 'x' });
      return {
        change: (audit) => keys.revoke('default', record.id, audit),
        changed: async () => (await db.apiKey.findUniqueOrThrow({ where: { id: record.id } })).revokedAt !== null,
      };
    },
    "the change of a namespace's limits": () => {
      const name = `ns-${newId()}`;
      return Promise.resolve({
        change: (audit) => namespaces.setLimits(name, { maxConcurrency: 3, maxRunsPerMinute: null }, audit),
        changed: async () => (await namespaces.limits(name))?.maxConcurrency === 3,
      });
    },
    'the rotation of a webhook secret': async () => {
      const name = `ns-${newId()}`;
      const secret = await namespaces.webhookSecret(name);
      return {
        change: (audit) => namespaces.rotateWebhookSecret(name, audit({ id: name })),
        changed: async () => (await namespaces.webhookSecret(name)) !== secret,
      };
    },
  };

  describe.each(Object.entries(changes))('%s', (_, setUp) => {
    it('should write its entry with it', async () => {
      const namespace = `audit-${newId()}`;
      const { change, changed } = await setUp();

      await change(anEntry(namespace));

      expect(await changed()).toBe(true);
      expect(await entriesOf(namespace)).toEqual([expect.objectContaining({ action: 'test.changed' })]);
    });

    it('should leave neither when its entry cannot be written', async () => {
      const namespace = `audit-${newId()}`;
      const { change, changed } = await setUp();

      await expect(change(aRefusedEntry(namespace))).rejects.toThrow();

      expect(await changed()).toBe(false);
      expect(await entriesOf(namespace)).toEqual([]);
    });
  });

  describe('creates that share a group commit', () => {
    it('should write the entry of each create in the statement that stores its job, at its instant', async () => {
      const namespace = `audit-${newId()}`;
      const inputs = Array.from({ length: 20 }, () => aNewJob(aJobSpec({ delayMs: 3_600_000 })));
      const at = new Date('2026-06-01T12:00:00.000Z');

      await Promise.all(inputs.map((input) => jobs.createWithFirstExecution(input, at, anEntry(namespace))));

      const entries = await entriesOf(namespace);
      expect(entries.map((entry) => entry.targetId).sort()).toEqual(inputs.map((input) => input.jobId).sort());
      expect(new Set(entries.map((entry) => entry.at.getTime()))).toEqual(new Set([at.getTime()]));
    });

    it('should fail alone a create whose entry cannot be written, storing its job no more than its entry', async () => {
      const namespace = `audit-${newId()}`;
      const [good, bad] = [aNewJob(aJobSpec()), aNewJob(aJobSpec())];

      const [stored, refused] = await Promise.allSettled([
        jobs.createWithFirstExecution(good, new Date(), anEntry(namespace)),
        jobs.createWithFirstExecution(bad, new Date(), aRefusedEntry(namespace)),
      ]);

      expect(stored.status).toBe('fulfilled');
      expect(refused.status).toBe('rejected');
      expect(await db.job.count({ where: { id: { in: [good.jobId, bad.jobId] } } })).toBe(1);
      expect((await entriesOf(namespace)).map((entry) => entry.targetId)).toEqual([good.jobId]);
    });

    it('should write no entry for a create whose Idempotency-Key was taken: it stored nothing', async () => {
      const namespace = `audit-${newId()}`;
      const key = `key-${newId()}`;
      const [first, second] = [
        aNewJob(aJobSpec(), { idempotencyKey: key }),
        aNewJob(aJobSpec(), { idempotencyKey: key }),
      ];

      await jobs.createWithFirstExecution(first, new Date(), anEntry(namespace));
      const replay = await jobs.createWithFirstExecution(second, new Date(), anEntry(namespace));

      expect(replay.created).toBe(false);
      expect((await entriesOf(namespace)).map((entry) => entry.targetId)).toEqual([first.jobId]);
    });
  });

  it('should write no entry for a backfill that is only a dry run', async () => {
    const namespace = `audit-${newId()}`;
    const id = await aRecurringJob();

    await recurringJobs.backfill(
      id,
      [new Date('2025-01-01T00:00:00Z')],
      { mode: 'parallel', dryRun: true },
      new Date(),
      anEntry(namespace, id),
    );

    expect(await entriesOf(namespace)).toEqual([]);
  });

  it("should redact the header values of a job's payload, in any entry", async () => {
    const namespace = `audit-${newId()}`;
    const input = aNewJob(
      aJobSpec({ delayMs: 3_600_000, payload: { url: 'https://example.com', headers: { Authorization: 'Bearer x' } } }),
    );

    await jobs.createWithFirstExecution(input, new Date(), ({ job }) => ({
      ...anEntry(namespace, job.id)(null),
      before: { payload: job.payload },
      after: job,
    }));

    const [entry] = await entriesOf(namespace);
    expect(entry?.before).toEqual({
      payload: { url: 'https://example.com', headers: { Authorization: '[redacted]' } },
    });
    expect(entry?.after).toMatchObject({ payload: { headers: { Authorization: '[redacted]' } } });
    expect(JSON.stringify(entry)).not.toContain('Bearer x');
  });
});
