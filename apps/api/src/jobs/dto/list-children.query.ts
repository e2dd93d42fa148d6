import { CHILD_STEP_PATTERN } from '@meridian/domain';
import { z } from 'zod';

import { pageQuerySchema } from '../../common/dto/page.query.js';

/** Query of `GET /v1/jobs/{id}/children`: a page of a job's children, optionally of one step. */
export const listChildrenQuerySchema = pageQuerySchema.extend({
  step: z
    .string()
    .regex(CHILD_STEP_PATTERN, 'must be a step name as the handler gave it')
    .optional()
    .describe('Only the children started by this step (the first argument of ctx.children.start)'),
});
export type ListChildrenQuery = z.infer<typeof listChildrenQuerySchema>;
