import { z } from 'zod';

const limit = (max: number) => z.int().min(1).max(max).nullable();

/** The body of `PUT /v1/namespaces/:name/limits`. */
export const namespaceLimitsSchema = z.strictObject({
  maxConcurrency: limit(1_000_000)
    .optional()
    .describe('Runs at once across every worker; null: NAMESPACE_MAX_CONCURRENCY; left out: unchanged'),
  maxRunsPerMinute: limit(100_000_000)
    .optional()
    .describe('Runs started per minute; null: NAMESPACE_MAX_RUNS_PER_MINUTE; left out: unchanged'),
  maxRecurringJobs: limit(10_000_000)
    .optional()
    .describe('Recurring jobs it may have (active or paused); null: NAMESPACE_MAX_RECURRING_JOBS; left out: unchanged'),
});
export type NamespaceLimitsRequest = z.infer<typeof namespaceLimitsSchema>;

export const limitsViewSchema = z.object({
  namespace: z.string(),
  own: namespaceLimitsSchema.required().describe("The namespace's own limits"),
  effective: z.object({
    maxConcurrency: z.int().nullable(),
    maxRunsPerMinute: z.int().nullable(),
    maxRecurringJobs: z.int().nullable(),
  }),
});
export type LimitsView = z.infer<typeof limitsViewSchema>;
