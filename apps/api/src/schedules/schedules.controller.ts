import {
  JobNotFoundError,
  type JobUpdate,
  MAX_BACKFILL_OCCURRENCES,
  type Principal,
  updateJobRequestSchema,
} from '@meridian/domain';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';

import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { type PageQuery, pageQuerySchema } from '../common/dto/page.query.js';
import { openApiSchema, problemResponse } from '../common/openapi-schema.js';
import { ResourceIdPipe } from '../common/resource-id.pipe.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { jobViewSchema, toJobView } from '../jobs/dto/job.view.js';
import { type BackfillRequest, backfillRequestSchema, backfillResultSchema } from './dto/backfill.dto.js';
import { occurrencePageSchema, toOccurrenceView } from './dto/occurrence.view.js';
import { type PauseRequest, pauseRequestSchema } from './dto/pause.request.js';
import { triggerResultSchema } from './dto/trigger.view.js';
import { type UpcomingQuery, upcomingQuerySchema } from './dto/upcoming.query.js';
import { upcomingSchema } from './dto/upcoming.view.js';
import { JobUpdatePipe } from './job-update.pipe.js';
import { SchedulesService } from './schedules.service.js';

const jobId = new ResourceIdPipe(JobNotFoundError);

/** What recurring jobs add to `/v1/jobs/:id`: preview, change, pause, resume, trigger, backfill, ledger. */
@ApiTags('schedules')
@Controller('v1/jobs')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Get(':id/upcoming')
  @ApiOperation({ summary: "Preview a recurring job's next nominal times" })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiQuery({ name: 'count', required: false, description: '1 to 100, default 10' })
  @ApiResponse({ status: 200, schema: openApiSchema(upcomingSchema) })
  @ApiResponse({ status: 404, ...problemResponse, description: 'No such job' })
  @ApiResponse({ status: 409, ...problemResponse, description: 'The job has no schedule' })
  upcoming(
    @Query(new ZodValidationPipe(upcomingQuerySchema)) query: UpcomingQuery,
    @Param('id', jobId) id: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.schedules.upcoming(principal.namespace, id, query.count);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a recurring job',
    description: 'Name, payload, schedule or policies; a new schedule takes effect from its next occurrence.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ schema: openApiSchema(updateJobRequestSchema, 'input') })
  @ApiResponse({ status: 200, schema: openApiSchema(jobViewSchema) })
  @ApiResponse({ status: 400, ...problemResponse, description: 'Invalid change' })
  @ApiResponse({ status: 404, ...problemResponse, description: 'No such job' })
  @ApiResponse({ status: 409, ...problemResponse, description: 'The job has no schedule, or none left' })
  async update(
    @Body(JobUpdatePipe) changes: JobUpdate,
    @Param('id', jobId) id: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    return toJobView(await this.schedules.update(principal.namespace, id, changes, principal));
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Pause a recurring job',
    description: 'Occurrences keep being recorded in the ledger, as PAUSED, and do not run. Runs already going go on.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ required: false, schema: openApiSchema(pauseRequestSchema, 'input') })
  @ApiResponse({ status: 200, schema: openApiSchema(jobViewSchema) })
  @ApiResponse({ status: 404, ...problemResponse, description: 'No such job' })
  @ApiResponse({ status: 409, ...problemResponse, description: 'The job has no schedule, or none left' })
  async pause(
    @Body(new ZodValidationPipe(pauseRequestSchema, { nullIsAbsent: true })) pause: PauseRequest,
    @Param('id', jobId) id: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    const until = pause.until === undefined ? null : new Date(pause.until);
    return toJobView(await this.schedules.pause(principal.namespace, id, until, pause.note ?? null, principal));
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused recurring job from its next occurrence' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, schema: openApiSchema(jobViewSchema) })
  @ApiResponse({ status: 404, ...problemResponse, description: 'No such job' })
  @ApiResponse({ status: 409, ...problemResponse, description: 'The job has no schedule, or none left' })
  async resume(@Param('id', jobId) id: string, @CurrentPrincipal() principal: Principal) {
    return toJobView(await this.schedules.resume(principal.namespace, id, principal));
  }

  @Post(':id/trigger')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Run a recurring job now',
    description:
      'Obeys the overlap policy while a run is going: skip refuses (409), buffer_one and buffer_all queue the run ' +
      'behind the runs in flight (buffer_one refuses when one already waits), cancel_previous cancels them, allow runs alongside.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 201, schema: openApiSchema(triggerResultSchema) })
  @ApiResponse({ status: 404, ...problemResponse, description: 'No such job' })
  @ApiResponse({
    status: 409,
    ...problemResponse,
    description: 'Not recurring, or the overlap policy forbids a run now',
  })
  trigger(@Param('id', jobId) id: string, @CurrentPrincipal() principal: Principal) {
    return this.schedules.trigger(principal.namespace, id, principal);
  }

  @Post(':id/backfill')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run the occurrences of a past range',
    description:
      'Every occurrence of the range without a run gets one (ledger outcome BACKFILLED); one that already ran is ' +
      `reported as deduplicated and left alone. At most ${MAX_BACKFILL_OCCURRENCES} occurrences; dryRun lists them and writes nothing.`,
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ schema: openApiSchema(backfillRequestSchema, 'input') })
  @ApiResponse({ status: 200, schema: openApiSchema(backfillResultSchema) })
  @ApiResponse({
    status: 400,
    ...problemResponse,
    description: 'Invalid range, in the future, or too many occurrences',
  })
  @ApiResponse({ status: 404, ...problemResponse, description: 'No such job' })
  @ApiResponse({ status: 409, ...problemResponse, description: 'The job has no schedule' })
  backfill(
    @Body(new ZodValidationPipe(backfillRequestSchema, { nullIsAbsent: true })) request: BackfillRequest,
    @Param('id', jobId) id: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.schedules.backfill(principal.namespace, id, request, principal);
  }

  @Get(':id/occurrences')
  @ApiOperation({
    summary: "A recurring job's occurrence ledger, newest first",
    description:
      'Every nominal occurrence with what became of it: enqueued, buffered, skipped for overlap, missed, paused, backfilled.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, schema: openApiSchema(occurrencePageSchema) })
  @ApiResponse({ status: 404, ...problemResponse, description: 'No such job' })
  async occurrences(
    @Query(new ZodValidationPipe(pageQuerySchema)) query: PageQuery,
    @Param('id', jobId) id: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    const page = await this.schedules.occurrences(principal.namespace, id, query.cursor, query.limit);
    return { items: page.items.map(toOccurrenceView), nextCursor: page.nextCursor };
  }
}
