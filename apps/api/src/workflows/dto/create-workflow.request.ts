import {
  createJobRequestSchema,
  createWorkflowRequestSchema,
  dependencySchema,
  MAX_WORKFLOW_JOBS,
} from '@meridian/domain';
import { z } from 'zod';

/** Fields of a job that a workflow's job does not take (it runs once) or takes otherwise (dependsOn keys). */
const NOT_IN_WORKFLOWS: readonly string[] = ['schedule', 'overlap', 'catchUp', 'dependsOn'];

// Picked from the shape: zod refuses `.omit()` on createJobRequestSchema, which has refinements.
const jobFields = Object.fromEntries(
  Object.entries(createJobRequestSchema.shape).filter(([field]) => !NOT_IN_WORKFLOWS.includes(field)),
) as Omit<typeof createJobRequestSchema.shape, 'schedule' | 'overlap' | 'catchUp' | 'dependsOn'>;

/**
 * A job of a workflow as the OpenAPI document shows it: the fields of `POST /v1/jobs` without the
 * recurring ones, a `key` and the keys it depends on. The server reads each job with parseWorkflowSpec.
 */
export const workflowJobRequestDocument = z
  .strictObject({
    key: z
      .string()
      .min(1)
      .max(100)
      .describe(
        'Names the job in this workflow: 1 to 100 letters, digits, ".", "_" or "-", starting with a letter or digit',
      ),
    ...jobFields,
    dependsOn: z
      .array(dependencySchema)
      .optional()
      .describe("Keys of this workflow's jobs that must end first, or {key, onFailure} to override failurePolicy"),
  })
  .describe('A job of a workflow: runs once, after the jobs it depends on');

/** The body of `POST /v1/workflows` as the OpenAPI document shows it. */
export const createWorkflowRequestDocument = z.strictObject({
  ...createWorkflowRequestSchema.shape,
  jobs: z
    .array(workflowJobRequestDocument)
    .min(1)
    .max(MAX_WORKFLOW_JOBS)
    .describe(`The jobs, at most ${MAX_WORKFLOW_JOBS}, with the dependencies between them`),
});
