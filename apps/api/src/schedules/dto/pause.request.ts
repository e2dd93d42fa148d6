import { instantSchema, storable } from '@meridian/domain';
import { z } from 'zod';

/** The body of `POST /v1/jobs/:id/pause`, which may be left out. */
export const pauseRequestSchema = z
  .strictObject({
    note: storable(z.string().max(500)).optional().describe('Why, for whoever looks next'),
    until: instantSchema.optional().describe('Resume by itself at this instant'),
  })
  .default({});
export type PauseRequest = z.infer<typeof pauseRequestSchema>;
