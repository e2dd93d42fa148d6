import type { z } from 'zod';

import { pageQuerySchema } from '../../common/dto/page.query.js';
import { workflowStatusSchema } from './workflow.view.js';

/** Query of `GET /v1/workflows`: a page of the namespace's workflows, filtered by status. */
export const listWorkflowsQuerySchema = pageQuerySchema.extend({
  status: workflowStatusSchema.optional(),
});
export type ListWorkflowsQuery = z.infer<typeof listWorkflowsQuerySchema>;
