import type { MeridianConfig } from '@meridian/config';
import { type ExecutionRecord, type JobRecord, JobRepository, type NewBatchJob } from '@meridian/db';
import { type FieldIssue, parseJobSpec, prefixIssues, type Principal, ValidationError } from '@meridian/domain';
import { CONFIG } from '@meridian/runtime';
import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { auditEntry } from '../audit/audit-entry.js';
import { parseBody } from '../common/parse-input.js';
import { jobBatchRequestSchema } from './dto/job-batch.request.js';
import { createIdempotently, type EarlierCreateLookup, storedKey } from './idempotency.js';
import { toJobIssues } from './job-issues.js';
import { JobsService } from './jobs.service.js';

/** Most problems one refused batch lists: a thousand bad jobs must not make a megabyte answer. */
const MAX_LISTED_ISSUES = 100;

export interface CreatedBatch {
  /** In request order; `execution` is null for a recurring job. */
  jobs: { job: JobRecord; execution: ExecutionRecord | null }[];
  /** True when an earlier request with the same Idempotency-Key created the batch. */
  replayed: boolean;
}

/**
 * Creates many independent jobs at once: every job is checked as `POST /v1/jobs` checks one, then all
 * are stored in one transaction, or none is. The scheduler's relay enqueues them.
 */
@Injectable()
export class JobBatchService {
  constructor(
    private readonly jobs: JobsService,
    private readonly repository: JobRepository,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    @InjectPinoLogger(JobBatchService.name) private readonly logger: PinoLogger,
  ) {}

  /**
   * Validates the whole batch (a ValidationError lists the problems of every bad job, each under
   * `jobs[i].`), then stores it. An Idempotency-Key covers the batch: the same key with the same body
   * answers with the jobs the first request made, with another body it is an IdempotencyKeyReusedError.
   * One audit entry (`job.batch_created` by `by`, on the namespace, listing the jobs' ids in request
   * order) is stored with the batch; a replay stores nothing, and so records nothing.
   */
  create(namespace: string, body: unknown, idempotencyKey: string | undefined, by: Principal): Promise<CreatedBatch> {
    return createIdempotently({
      idempotencyKey,
      body,
      validate: () => this.plan(body),
      lookup: this.earlierBatch(namespace),
      store: async (jobs, idempotency) => {
        const stored = await this.repository.createBatch(
          { namespace, jobs, ...storedKey(idempotency) },
          new Date(),
          ({ jobIds }) => auditEntry(by, 'job.batch_created', { type: 'namespace', id: namespace }, null, { jobIds }),
        );
        if (!stored.created) {
          return null;
        }
        this.logger.info({ jobs: jobs.length, firstJobId: jobs[0]?.jobId }, 'job batch created');
        return { jobs: stored.jobs, replayed: false };
      },
    });
  }

  /** Every job of the batch checked and planned, in request order; or a ValidationError naming each bad one. */
  private plan(body: unknown): NewBatchJob[] {
    const envelope = parseBody(jobBatchRequestSchema, body);
    const now = new Date();
    const issues: FieldIssue[] = [];
    let badJobs = 0;
    const planned = envelope.jobs.flatMap((item, index): NewBatchJob[] => {
      const found = this.planJob(item, now);
      if (Array.isArray(found)) {
        issues.push(...prefixIssues(found, `jobs[${index}]`));
        badJobs += 1;
        return [];
      }
      return [found];
    });
    if (issues.length > 0) {
      const listed = issues.length > MAX_LISTED_ISSUES ? `; the first ${MAX_LISTED_ISSUES} are listed` : '';
      throw new ValidationError(
        issues.slice(0, MAX_LISTED_ISSUES),
        `${issues.length} problem(s) in ${badJobs} of ${envelope.jobs.length} jobs${listed}. No job was stored.`,
      );
    }
    return planned;
  }

  /** One job planned as a single create would plan it, or its problems. */
  private planJob(item: unknown, now: Date): NewBatchJob | FieldIssue[] {
    const issues: FieldIssue[] = [];
    let fields = item;
    if (item !== null && typeof item === 'object' && !Array.isArray(item) && 'dependsOn' in item) {
      fields = Object.fromEntries(Object.entries(item).filter(([name]) => name !== 'dependsOn'));
      issues.push({
        path: 'dependsOn',
        message: 'a batch holds independent jobs: create jobs that depend on others with POST /v1/workflows',
        code: 'dependencies_not_batchable',
      });
    }
    try {
      const planned = this.jobs.plan(this.jobs.prepare(parseJobSpec(fields, this.config.api, now)), now);
      return issues.length > 0 ? issues : planned;
    } catch (error) {
      return [...issues, ...toJobIssues(error)];
    }
  }

  /** The batch an Idempotency-Key made in `namespace`, as a batch with that key answers it again. */
  private earlierBatch(namespace: string): EarlierCreateLookup<CreatedBatch> {
    return async (key) => {
      const batch = await this.repository.findBatchByIdempotencyKey(namespace, key);
      if (batch === null) {
        return null;
      }
      return {
        requestHash: batch.requestHash,
        answer: async () => {
          const jobs = await this.repository.findManyWithLatestExecution(namespace, batch.jobIds);
          return {
            jobs: jobs.map(({ job, latestExecution }) => ({ job, execution: latestExecution })),
            replayed: true,
          };
        },
      };
    };
  }
}
