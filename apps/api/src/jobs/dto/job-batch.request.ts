import { z } from 'zod';

import { createJobRequestDocument } from './create-job.request.js';

/** Most jobs one `POST /v1/jobs/batch` takes. */
export const MAX_BATCH_JOBS = 1000;

/**
 * The envelope of `POST /v1/jobs/batch`. Each job is checked afterwards, one by one, as
 * `POST /v1/jobs` checks its body, so that every bad job is reported with its index.
 */
export const jobBatchRequestSchema = z.strictObject({
  jobs: z
    .array(z.unknown())
    .min(1, 'must hold at least one job')
    .max(MAX_BATCH_JOBS, `must hold at most ${MAX_BATCH_JOBS} jobs`),
});

/** A job of a batch: the fields of `POST /v1/jobs`, without dependsOn. */
export const batchJobRequestDocument = createJobRequestDocument
  .omit({ dependsOn: true })
  .describe('A job as POST /v1/jobs takes it, without dependsOn (use POST /v1/workflows)');

/** The same envelope as the OpenAPI document shows it, each job with the fields of `POST /v1/jobs`. */
export const jobBatchRequestDocument = z.strictObject({
  jobs: z
    .array(batchJobRequestDocument)
    .min(1)
    .max(MAX_BATCH_JOBS)
    .describe('Independent jobs, answered in this order'),
});
