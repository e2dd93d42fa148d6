import { FILTER_SCAN_LIMIT } from '@meridian/db';
import { JobNotFoundError, type Principal } from '@meridian/domain';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { type PageQuery, pageQuerySchema } from '../common/dto/page.query.js';
import { statedReturnPreference } from '../common/prefer.js';
import { ResourceIdPipe } from '../common/resource-id.pipe.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { toExecutionView } from '../executions/dto/execution.view.js';
import { createJobRequestExample, createRecurringJobRequestExample } from '../openapi/examples.js';
import { ApiIdParam, ApiJsonBody, ApiJsonResponse, ApiQueryFrom } from '../openapi/operation-decorators.js';
import { ApiConflict, ApiProblems } from '../openapi/problem-responses.js';
import { ChildJobsService } from './child-jobs.service.js';
import { answerCreated, CREATED_HEADERS, CreateHeaders, presentCreated } from './created-answer.js';
import {
  type JobBatchView,
  type JobSummaryView,
  type JobView,
  type MinimalJobView,
  toJobView,
} from './dto/job.view.js';
import { type ListChildrenQuery, listChildrenQuerySchema } from './dto/list-children.query.js';
import { type ListJobsQuery, listJobsQuerySchema } from './dto/list-jobs.query.js';
import { JobBatchService } from './job-batch.service.js';
import { JobsService } from './jobs.service.js';

const jobId = new ResourceIdPipe(JobNotFoundError);

/** What a filter without an index (status, handler) does to a page of `GET /v1/jobs`. */
const SCANNED_FILTER =
  `A page of a status or handler filter reads at most ${FILTER_SCAN_LIMIT.toLocaleString('en')} jobs, so it ` +
  'can hold fewer than `limit` jobs, even none, and still have a `nextCursor`: follow it until it is null.';

@ApiTags('jobs')
@Controller('v1/jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly batches: JobBatchService,
    private readonly children: ChildJobsService,
  ) {}

  @Post()
  @ApiOperation({
    operationId: 'createJob',
    summary: 'Create a job',
    description:
      'One-off (now, at `runAt` or after `delayMs`), recurring (with a `schedule`), or waiting for other jobs ' +
      '(`dependsOn`). Stored before the answer; queued by the scheduler right after.',
  })
  @ApiJsonBody('CreateJobRequest', {
    examples: {
      oneOff: { summary: 'An http call now, retried up to 5 times', value: createJobRequestExample },
      recurring: { summary: 'A cron schedule in a time zone', value: createRecurringJobRequestExample },
    },
  })
  @CreateHeaders('Retrying with the same key returns the same job.')
  @ApiJsonResponse(
    201,
    'CreatedJob',
    'Created (or replayed): the job with its first execution, or its id and status with `Prefer: return=minimal`.',
    { Location: { description: 'The URL of the job', schema: { type: 'string' } }, ...CREATED_HEADERS },
  )
  @ApiConflict('The Idempotency-Key was used before with another body (idempotency_key_reused)')
  @ApiProblems('RecurringJobQuotaExceeded')
  async create(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('prefer') prefer: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<JobView | MinimalJobView> {
    const { job, execution, replayed } = await this.jobs.create(
      principal.namespace,
      body,
      idempotencyKey,
      principal,
      statedReturnPreference(prefer) ?? 'representation',
    );
    response.location(`/v1/jobs/${job.id}`);
    return presentCreated(job, execution, answerCreated(response, prefer, replayed));
  }

  // A fixed path, declared before the `:id` routes; no POST route here takes a lone `:id` segment.
  @Post('batch')
  @ApiOperation({
    operationId: 'createJobBatch',
    summary: 'Create up to 1,000 jobs at once',
    description:
      'Every job is checked first (a 400 lists each bad job by index and field; then nothing is stored), ' +
      'then all are stored in one transaction and queued by the scheduler. Jobs with dependsOn belong ' +
      'in POST /v1/workflows.',
  })
  @ApiJsonBody('CreateJobBatchRequest')
  @CreateHeaders('Covers the whole batch: retrying with the same key and body returns the same jobs.')
  @ApiJsonResponse(
    201,
    'JobBatch',
    'Created (or replayed): the jobs in request order, each as `POST /v1/jobs` answers it.',
    CREATED_HEADERS,
  )
  @ApiConflict('The Idempotency-Key was used before with another body (idempotency_key_reused)')
  @ApiProblems('RecurringJobQuotaExceeded')
  async createBatch(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('prefer') prefer: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<JobBatchView> {
    const { jobs, replayed } = await this.batches.create(principal.namespace, body, idempotencyKey, principal);
    const preference = answerCreated(response, prefer, replayed);
    return { jobs: jobs.map(({ job, execution }) => presentCreated(job, execution, preference)) };
  }

  @Get()
  @ApiOperation({
    operationId: 'listJobs',
    summary: 'List jobs, newest first',
    description: 'Each job without its latest execution; follow `nextCursor` (as `cursor`) for the next page.',
  })
  @ApiQueryFrom(listJobsQuerySchema, {
    status: `Jobs whose latest execution has this status. ${SCANNED_FILTER}`,
    handler: SCANNED_FILTER,
  })
  @ApiJsonResponse(200, 'JobPage', 'A page of jobs')
  @ApiProblems('BadRequest')
  async list(
    @Query(new ZodValidationPipe(listJobsQuerySchema)) query: ListJobsQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    const page = await this.jobs.list(principal.namespace, query);
    return { items: page.items.map((job) => toJobView(job)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({
    operationId: 'getJob',
    summary: 'Get a job with its latest execution',
    description: 'The latest execution comes without its attempts: GET /v1/executions/{id} shows them.',
  })
  @ApiIdParam('job')
  @ApiJsonResponse(200, 'Job', 'The job')
  @ApiProblems('NotFound')
  async get(@Param('id', jobId) id: string, @CurrentPrincipal() principal: Principal): Promise<JobView> {
    const { job, latestExecution } = await this.jobs.get(principal.namespace, id);
    return toJobView(job, latestExecution);
  }

  @Get(':id/executions')
  @ApiOperation({
    operationId: 'listJobExecutions',
    summary: "List a job's executions, newest first",
    description: 'Each without its attempts: GET /v1/executions/{id} shows them.',
  })
  @ApiIdParam('job')
  @ApiQueryFrom(pageQuerySchema)
  @ApiJsonResponse(200, 'ExecutionPage', 'A page of executions')
  @ApiProblems('BadRequest', 'NotFound')
  async executions(
    @Query(new ZodValidationPipe(pageQuerySchema)) query: PageQuery,
    @Param('id', jobId) id: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    const page = await this.jobs.listExecutions(principal.namespace, id, query.cursor, query.limit);
    return { items: page.items.map((execution) => toExecutionView(execution)), nextCursor: page.nextCursor };
  }

  @Get(':id/children')
  @ApiOperation({
    operationId: 'listJobChildren',
    summary: "List a job's child jobs, in the order they were started",
    description:
      'The jobs its handler started with ctx.children.start, in every execution of it, each with its `parent` ' +
      '(execution, step and index); each is an ordinary job, to read, cancel or retry as any other.',
  })
  @ApiIdParam('job')
  @ApiQueryFrom(listChildrenQuerySchema)
  @ApiJsonResponse(200, 'JobPage', 'A page of child jobs')
  @ApiProblems('BadRequest', 'NotFound')
  async listChildren(
    @Query(new ZodValidationPipe(listChildrenQuerySchema)) query: ListChildrenQuery,
    @Param('id', jobId) id: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    const page = await this.children.list(principal.namespace, id, query);
    return { items: page.items.map((job) => toJobView(job)), nextCursor: page.nextCursor };
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'cancelJob',
    summary: "Cancel a job's unfinished executions",
    description:
      'A queued execution is removed; a running one gets its AbortSignal. On a recurring job this stops only ' +
      'the runs in flight, and answers 409 when there are none: either way the schedule keeps running and ' +
      'the next occurrence runs. Pause the job (POST /v1/jobs/{id}/pause) or delete it to stop the schedule.',
  })
  @ApiIdParam('job')
  @ApiJsonResponse(200, 'JobSummary', 'Cancelled: the job, without its latest execution')
  @ApiProblems('NotFound')
  @ApiConflict(
    'Nothing left to cancel (job_not_cancellable): the job has ended, or it is recurring and no run is in flight. ' +
      "A recurring job's schedule keeps running after a cancel: pause or delete the job to stop it.",
  )
  async cancel(@Param('id', jobId) id: string, @CurrentPrincipal() principal: Principal): Promise<JobSummaryView> {
    return toJobView(await this.jobs.cancel(principal.namespace, id, principal));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteJob',
    summary: 'Delete a job and its history',
    description: 'Cancels whatever is still queued or running; a recurring job stops for good.',
  })
  @ApiIdParam('job')
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiProblems('NotFound')
  async delete(@Param('id', jobId) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.jobs.delete(principal.namespace, id, principal);
  }
}
