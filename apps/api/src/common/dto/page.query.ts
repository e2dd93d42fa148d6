import { z } from 'zod';

/** The query of a cursor-paginated list: `cursor` is the previous page's `nextCursor`. */
export const pageQuerySchema = z.strictObject({
  cursor: z.string().min(1).max(200).optional().describe('`nextCursor` of the previous page'),
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('Items per page'),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;
