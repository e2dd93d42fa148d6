import type { MeridianConfig } from '@meridian/config';
import { type JobUpdate, parseJobUpdate } from '@meridian/domain';
import { CONFIG } from '@meridian/runtime';
import { Inject, Injectable, type PipeTransform } from '@nestjs/common';

/**
 * Validates the body of `PATCH /v1/jobs/:id` (`@Body(JobUpdatePipe)`): its fields, and its payload
 * against the deployment's size limit. What the change means for the job (its handler's payload
 * schema, its schedule) is checked by SchedulesService.update, which knows the job.
 */
@Injectable()
export class JobUpdatePipe implements PipeTransform<unknown, JobUpdate> {
  constructor(@Inject(CONFIG) private readonly config: MeridianConfig) {}

  transform(body: unknown): JobUpdate {
    return parseJobUpdate(body, this.config.api);
  }
}
