import { updateJobRequestSchema } from '@meridian/domain';
import { z } from 'zod';

import { scheduleSchema } from './schedule.dto.js';

/**
 * The body of `PATCH /v1/jobs/:id` as the OpenAPI document shows it: updateJobRequestSchema's
 * fields, with the schedule @meridian/schedule checks (see createJobRequestDocument).
 */
export const updateJobRequestDocument = z
  .strictObject({
    ...updateJobRequestSchema.shape,
    schedule: scheduleSchema.optional().describe('Replaces the whole schedule; takes effect from its next occurrence'),
  })
  .describe('The fields to change; those left out stay as they are');
