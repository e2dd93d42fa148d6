import { STATUS_SCAN_LIMIT } from '@meridian/db';
import { createJobRequestSchema, EXECUTION_STATUSES, JobNotFoundError, type Principal } from '@meridian/domain';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';

import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { type PageQuery, pageQuerySchema } from '../common/dto/page.query.js';
import { openApiSchema, problemResponse } from '../common/openapi-schema.js';
import { statedReturnPreference } from '../common/prefer.js';
import { ResourceIdPipe } from '../common/resource-id.pipe.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { executionPageSchema, toExecutionView } from '../executions/dto/execution.view.js';
import { answerCreated, CREATED_HEADERS, CreateHeaders, presentCreated } from './created-answer.js';
import {
  type JobBatchView,
  jobBatchViewSchema,
  jobPageSchema,
  type JobView,
  jobViewSchema,
  type MinimalJobView,
  minimalJobViewSchema,
  toJobView,
} from './dto/job.view.js';
import { jobBatchRequestDocument } from './dto/job-batch.request.js';
import { type ListJobsQuery, listJobsQuerySchema } from './dto/list-jobs.query.js';
import { JobBatchService } from './job-batch.service.js';
import { JobsService } from './jobs.service.js';

const jobId = new ResourceIdPipe(JobNotFoundError);

@ApiTags('jobs')
@Controller('v1/jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly batches: JobBatchService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create a job',
    description: 'Stored before the answer; queued by the scheduler right after.',
  })
  @ApiBody({ schema: openApiSchema(createJobRequestSchema, 'input') })
  @CreateHeaders('Retrying with the same key returns the same job.')
  @ApiResponse({
    status: 201,
    schema: openApiSchema(z.union([jobViewSchema, minimalJobViewSchema])),
    description: 'Created (or replayed): the job, or its id and status with `Prefer: return=minimal`.',
    headers: { Location: { description: 'The URL of the job', schema: { type: 'string' } }, ...CREATED_HEADERS },
  })
  @ApiResponse({ status: 400, description: 'Invalid input', ...problemResponse })
  @ApiResponse({ status: 409, description: 'Idempotency key reused with another body', ...problemResponse })
  @ApiResponse({ status: 413, description: 'Body or payload too large', ...problemResponse })
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
    summary: 'Create up to 1,000 jobs at once',
    description:
      'Every job is checked first (a 400 lists each bad job by index and field; then nothing is stored), ' +
      'then all are stored in one transaction and queued by the scheduler. Jobs with dependsOn belong ' +
      'in POST /v1/workflows.',
  })
  @ApiBody({ schema: openApiSchema(jobBatchRequestDocument, 'input') })
  @CreateHeaders('Covers the whole batch: retrying with the same key and body returns the same jobs.')
  @ApiResponse({
    status: 201,
    schema: openApiSchema(jobBatchViewSchema),
    description: 'Created (or replayed): the jobs in request order, each as `POST /v1/jobs` answers it.',
    headers: CREATED_HEADERS,
  })
  @ApiResponse({ status: 400, description: 'Invalid input: every bad job, up to 100 problems', ...problemResponse })
  @ApiResponse({ status: 409, description: 'Idempotency key reused with another body', ...problemResponse })
  @ApiResponse({ status: 413, description: 'Body or a payload too large', ...problemResponse })
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
  @ApiOperation({ summary: 'List jobs, newest first' })
  @ApiQuery({
    name: 'status',
    required: false,
    enum: EXECUTION_STATUSES,
    description:
      `Status of the job's latest execution. A page of a status filter reads at most ${STATUS_SCAN_LIMIT.toLocaleString('en')} jobs, so it ` +
      'can hold fewer than `limit` jobs, even none, and still have a `nextCursor`: follow it until it is null.',
  })
  @ApiQuery({ name: 'name', required: false })
  @ApiQuery({ name: 'queue', required: false })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 100, default 20' })
  @ApiResponse({ status: 200, schema: openApiSchema(jobPageSchema) })
  @ApiResponse({ status: 400, description: 'Invalid query', ...problemResponse })
  async list(
    @Query(new ZodValidationPipe(listJobsQuerySchema)) query: ListJobsQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    const page = await this.jobs.list(principal.namespace, query);
    return { items: page.items.map((job) => toJobView(job)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a job with its latest execution' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, schema: openApiSchema(jobViewSchema) })
  @ApiResponse({ status: 404, ...problemResponse, description: 'No such job' })
  async get(@Param('id', jobId) id: string, @CurrentPrincipal() principal: Principal): Promise<JobView> {
    const { job, latestExecution } = await this.jobs.get(principal.namespace, id);
    return toJobView(job, latestExecution);
  }

  @Get(':id/executions')
  @ApiOperation({ summary: "List a job's executions, newest first" })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, schema: openApiSchema(executionPageSchema) })
  @ApiResponse({ status: 404, ...problemResponse, description: 'No such job' })
  async executions(
    @Query(new ZodValidationPipe(pageQuerySchema)) query: PageQuery,
    @Param('id', jobId) id: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    const page = await this.jobs.listExecutions(principal.namespace, id, query.cursor, query.limit);
    return { items: page.items.map((execution) => toExecutionView(execution)), nextCursor: page.nextCursor };
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a job',
    description: 'A queued execution is removed; a running one gets its AbortSignal.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, schema: openApiSchema(jobViewSchema) })
  @ApiResponse({ status: 404, ...problemResponse, description: 'No such job' })
  @ApiResponse({ status: 409, ...problemResponse, description: 'Nothing left to cancel' })
  async cancel(@Param('id', jobId) id: string, @CurrentPrincipal() principal: Principal): Promise<JobView> {
    return toJobView(await this.jobs.cancel(principal.namespace, id, principal));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a job and its history',
    description: 'Cancels whatever is still queued or running.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse({ status: 404, ...problemResponse, description: 'No such job' })
  async delete(@Param('id', jobId) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.jobs.delete(principal.namespace, id, principal);
  }
}
