import type { MeridianConfig } from '@meridian/config';
import { type Page, WorkflowRepository } from '@meridian/db';
import {
  type FieldIssue,
  type JobSpec,
  parseWorkflowSpec,
  type Principal,
  WorkflowNotCancellableError,
  WorkflowNotFoundError,
} from '@meridian/domain';
import { CONFIG } from '@meridian/runtime';
import { CancellationService } from '@meridian/services';
import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { auditEntry } from '../audit/audit-entry.js';
import { toJobIssues } from '../jobs/job-issues.js';
import { JobsService } from '../jobs/jobs.service.js';
import type { ListWorkflowsQuery } from './dto/list-workflows.query.js';
import {
  toWorkflowSummaryView,
  toWorkflowView,
  type WorkflowSummaryView,
  type WorkflowView,
} from './dto/workflow.view.js';

@Injectable()
export class WorkflowsService {
  constructor(
    private readonly workflows: WorkflowRepository,
    private readonly jobs: JobsService,
    private readonly cancellations: CancellationService,
    @Inject(CONFIG) private readonly config: MeridianConfig,
    @InjectPinoLogger(WorkflowsService.name) private readonly logger: PinoLogger,
  ) {}

  /**
   * Validates the whole graph, then stores it in one transaction, with its `workflow.created` entry
   * by `by`; the jobs without dependencies start. Answers with the workflow as it committed.
   */
  async create(namespace: string, body: unknown, by: Principal): Promise<WorkflowView> {
    const spec = parseWorkflowSpec(body, this.config.api, new Date(), (job) => this.deploymentIssues(job));
    const workflow = await this.workflows.create(namespace, spec, new Date(), (created) =>
      auditEntry(by, 'workflow.created', { type: 'workflow', id: created.id }, null, toWorkflowView(created)),
    );
    this.logger.info({ workflowId: workflow.id, jobs: spec.nodes.length }, 'workflow created');
    return toWorkflowView(workflow);
  }

  async get(namespace: string, id: string): Promise<WorkflowView> {
    const workflow = await this.workflows.find(namespace, id);
    if (workflow === null) {
      throw new WorkflowNotFoundError(id);
    }
    return toWorkflowView(workflow);
  }

  /** A page of the namespace's workflows, newest first, each without its jobs. */
  async list(namespace: string, query: ListWorkflowsQuery): Promise<Page<WorkflowSummaryView>> {
    const page = await this.workflows.list({
      namespace,
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      ...(query.status === undefined ? {} : { status: query.status }),
    });
    return { items: page.items.map(toWorkflowSummaryView), nextCursor: page.nextCursor };
  }

  /**
   * Cancels every job of the workflow that has not ended; running ones get their abort signal.
   * Records `workflow.cancelled` by `by` with the cancel.
   */
  async cancel(namespace: string, id: string, by: Principal): Promise<WorkflowView> {
    const before = await this.get(namespace, id);
    const result = await this.workflows.cancel(namespace, before.id, new Date(), (after) =>
      auditEntry(by, 'workflow.cancelled', { type: 'workflow', id: before.id }, before, toWorkflowView(after)),
    );
    if (result === 'not_found') {
      throw new WorkflowNotFoundError(id);
    }
    if (result === 'not_cancellable') {
      throw new WorkflowNotCancellableError(id);
    }
    for (const { queue, executions } of result) {
      await this.cancellations.afterCancelled(queue, executions, { workflowId: id });
    }
    return this.get(namespace, id);
  }

  /**
   * What a workflow job must also pass, reported as field issues so every job's problems come back
   * together: its queue is served and its payload fits its handler's schema. The payload is kept as
   * the handler's schema normalised it.
   */
  private deploymentIssues(job: JobSpec): FieldIssue[] {
    try {
      job.payload = this.jobs.prepare(job).payload;
      return [];
    } catch (error) {
      return toJobIssues(error);
    }
  }
}
