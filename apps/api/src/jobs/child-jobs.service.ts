import { ChildJobRepository, type JobRecord, type Page } from '@meridian/db';
import { Injectable } from '@nestjs/common';

import type { ListChildrenQuery } from './dto/list-children.query.js';
import { JobsService } from './jobs.service.js';

/** The child jobs a job's handler started (ctx.children.start): listed by their parent job. */
@Injectable()
export class ChildJobsService {
  constructor(
    private readonly jobs: JobsService,
    private readonly children: ChildJobRepository,
  ) {}

  /** A page of the children of job `id` (of `namespace`), of all its executions; 404 for an unknown job. */
  async list(namespace: string, id: string, query: ListChildrenQuery): Promise<Page<JobRecord>> {
    const { job } = await this.jobs.get(namespace, id);
    return this.children.listByParentJob({
      namespace,
      parentJobId: job.id,
      step: query.step,
      cursor: query.cursor,
      limit: query.limit,
    });
  }
}
