import { createJobRequestSchema } from '@meridian/domain';
import { z } from 'zod';

import { scheduleSchema } from '../../schedules/dto/schedule.dto.js';

/**
 * The body of `POST /v1/jobs` as the OpenAPI document shows it: createJobRequestSchema's fields,
 * with the `schedule` that @meridian/schedule checks after it in place of the open object the
 * domain schema lets through. The server validates with createJobRequestSchema and parseSchedule.
 */
export const createJobRequestDocument = z
  .strictObject({ ...createJobRequestSchema.shape, schedule: scheduleSchema.optional() })
  .describe(
    'A job: one-off (now, at runAt or after delayMs), recurring (with a schedule), or waiting for other jobs (dependsOn)',
  );
