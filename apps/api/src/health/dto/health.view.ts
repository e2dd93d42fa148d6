import { z } from 'zod';

/** The answer of `GET /healthz`: the process serves requests. */
export const livenessViewSchema = z.object({ status: z.literal('ok') });

/** The answer of `GET /readyz`: each dependency's probe, `ok` when all are up. */
export const readinessViewSchema = z.object({
  status: z.enum(['ok', 'unavailable']).describe('ok (200) when every check is up, unavailable (503) otherwise'),
  checks: z
    .record(z.string(), z.enum(['up', 'down']))
    .describe('Each dependency by name (postgres, redis): up, or down when it failed or took over 2 s to answer'),
});
