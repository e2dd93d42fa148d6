import { createJobRequestSchema, EXECUTION_STATUSES, type Principal } from '@meridian/domain';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { Audited } from '../audit/audited.decorator.js';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { openApiSchema, problemResponse } from '../common/openapi-schema.js';
import { parseQuery } from '../common/parse-query.js';
import { executionPageSchema, toExecutionView } from '../executions/dto/execution.view.js';
import { jobPageSchema, type JobView, jobViewSchema, toJobView } from './dto/job.view.js';
import { listJobsQuerySchema, pageQuerySchema } from './dto/list-jobs.query.js';
import { JobsService } from './jobs.service.js';

@ApiTags('jobs')
@Controller('v1/jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a job',
    description: 'Stored before the answer; queued by the scheduler right after.',
  })
  @ApiBody({ schema: openApiSchema(createJobRequestSchema, 'input') })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retrying with the same key returns the same job.',
  })
  @ApiResponse({ status: 201, schema: openApiSchema(jobViewSchema), description: 'Created (or replayed).' })
  @ApiResponse({ status: 400, description: 'Invalid input', ...problemResponse })
  @ApiResponse({ status: 409, description: 'Idempotency key reused with another body', ...problemResponse })
  @ApiResponse({ status: 413, description: 'Body or payload too large', ...problemResponse })
  @Audited('job.created', 'job')
  async create(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<JobView> {
    const { job, execution, replayed } = await this.jobs.create(principal.namespace, body, idempotencyKey);
    response.status(201).location(`/v1/jobs/${job.id}`);
    if (replayed) {
      response.setHeader('Idempotent-Replayed', 'true');
    }
    return toJobView(job, execution);
  }

  @Get()
  @ApiOperation({ summary: 'List jobs, newest first' })
  @ApiQuery({ name: 'status', required: false, enum: EXECUTION_STATUSES })
  @ApiQuery({ name: 'name', required: false })
  @ApiQuery({ name: 'queue', required: false })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 100, default 20' })
  @ApiResponse({ status: 200, schema: openApiSchema(jobPageSchema) })
  @ApiResponse({ status: 400, description: 'Invalid query', ...problemResponse })
  async list(@Query() query: unknown, @CurrentPrincipal() principal: Principal) {
    const page = await this.jobs.list(principal.namespace, parseQuery(listJobsQuerySchema, query));
    return { items: page.items.map((job) => toJobView(job)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a job with its latest execution' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, schema: openApiSchema(jobViewSchema) })
  @ApiResponse({ status: 404, ...problemResponse, description: 'No such job' })
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<JobView> {
    const { job, latestExecution } = await this.jobs.get(principal.namespace, id);
    return toJobView(job, latestExecution);
  }

  @Get(':id/executions')
  @ApiOperation({ summary: "List a job's executions, newest first" })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, schema: openApiSchema(executionPageSchema) })
  @ApiResponse({ status: 404, ...problemResponse, description: 'No such job' })
  async executions(@Param('id') id: string, @Query() query: unknown, @CurrentPrincipal() principal: Principal) {
    const { cursor, limit } = parseQuery(pageQuerySchema, query);
    const page = await this.jobs.listExecutions(principal.namespace, id, cursor, limit);
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
  @Audited('job.cancelled', 'job')
  async cancel(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<JobView> {
    return toJobView(await this.jobs.cancel(principal.namespace, id));
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
  @Audited('job.deleted', 'job')
  async delete(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.jobs.delete(principal.namespace, id);
  }
}
