import { JobNotFoundError, type JobUpdate, MAX_BACKFILL_OCCURRENCES, type Principal } from '@meridian/domain';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { type PageQuery, pageQuerySchema } from '../common/dto/page.query.js';
import { ResourceIdPipe } from '../common/resource-id.pipe.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { toJobView } from '../jobs/dto/job.view.js';
import { ApiIdParam, ApiJsonBody, ApiJsonResponse, ApiQueryFrom } from '../openapi/operation-decorators.js';
import { ApiConflict, ApiProblems } from '../openapi/problem-responses.js';
import { type BackfillRequest, backfillRequestSchema } from './dto/backfill.dto.js';
import { toOccurrenceView } from './dto/occurrence.view.js';
import { type PauseRequest, pauseRequestSchema } from './dto/pause.request.js';
import { type UpcomingQuery, upcomingQuerySchema } from './dto/upcoming.query.js';
import { JobUpdatePipe } from './job-update.pipe.js';
import { SchedulesService } from './schedules.service.js';

const jobId = new ResourceIdPipe(JobNotFoundError);

/** What recurring jobs add to `/v1/jobs/:id`: preview, change, pause, resume, trigger, backfill, ledger. */
@ApiTags('schedules')
@Controller('v1/jobs')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Get(':id/upcoming')
  @ApiOperation({
    operationId: 'listUpcomingRuns',
    summary: "Preview a recurring job's next nominal times",
    description: "Computed from the schedule, in UTC and in the schedule's time zone; jitter is not applied.",
  })
  @ApiIdParam('job')
  @ApiQueryFrom(upcomingQuerySchema)
  @ApiJsonResponse(200, 'UpcomingRuns', 'The next nominal times, in UTC and in the schedule’s zone')
  @ApiProblems('BadRequest', 'NotFound')
  @ApiConflict('The job has no schedule (job_not_recurring)')
  upcoming(
    @Query(new ZodValidationPipe(upcomingQuerySchema)) query: UpcomingQuery,
    @Param('id', jobId) id: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.schedules.upcoming(principal.namespace, id, query.count);
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'updateJobSchedule',
    summary: 'Change a recurring job',
    description: 'Name, payload, schedule or policies; a new schedule takes effect from its next occurrence.',
  })
  @ApiIdParam('job')
  @ApiJsonBody('UpdateJobRequest')
  @ApiJsonResponse(200, 'JobSummary', 'Changed: the job, without its latest execution')
  @ApiProblems('NotFound')
  @ApiConflict('The job has no schedule, or none left (job_not_recurring)')
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
    operationId: 'pauseJob',
    summary: 'Pause a recurring job',
    description:
      'Occurrences keep being recorded in the ledger, as PAUSED, and do not run. Runs already going go on ' +
      '(cancel them with POST /v1/jobs/{id}/cancel).',
  })
  @ApiIdParam('job')
  @ApiJsonBody('PauseJobRequest', { required: false })
  @ApiJsonResponse(200, 'JobSummary', 'Paused: the job, without its latest execution')
  @ApiProblems('NotFound')
  @ApiConflict('The job has no schedule, or none left (job_not_recurring)')
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
  @ApiOperation({
    operationId: 'resumeJob',
    summary: 'Resume a paused recurring job from its next occurrence',
    description: 'Occurrences missed while paused stay PAUSED in the ledger; backfill runs them if they are wanted.',
  })
  @ApiIdParam('job')
  @ApiJsonResponse(200, 'JobSummary', 'Resumed: the job, without its latest execution')
  @ApiProblems('NotFound')
  @ApiConflict('The job has no schedule, or none left (job_not_recurring)')
  async resume(@Param('id', jobId) id: string, @CurrentPrincipal() principal: Principal) {
    return toJobView(await this.schedules.resume(principal.namespace, id, principal));
  }

  @Post(':id/trigger')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'triggerJob',
    summary: 'Run a recurring job now',
    description:
      'Obeys the overlap policy while a run is going: skip refuses (409), buffer_one and buffer_all queue the run ' +
      'behind the runs in flight (buffer_one refuses when one already waits), cancel_previous cancels them, allow runs alongside.',
  })
  @ApiIdParam('job')
  @ApiJsonResponse(201, 'TriggerResult', 'The run, started or buffered')
  @ApiProblems('NotFound')
  @ApiConflict('Not recurring (job_not_recurring), or the overlap policy forbids a run now (overlap_forbids_run)')
  trigger(@Param('id', jobId) id: string, @CurrentPrincipal() principal: Principal) {
    return this.schedules.trigger(principal.namespace, id, principal);
  }

  @Post(':id/backfill')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'backfillJob',
    summary: 'Run the occurrences of a past range',
    description:
      'Every occurrence of the range without a run gets one (ledger outcome BACKFILLED); one that already ran is ' +
      `reported as deduplicated and left alone. At most ${MAX_BACKFILL_OCCURRENCES} occurrences; dryRun lists them and writes nothing.`,
  })
  @ApiIdParam('job')
  @ApiJsonBody('BackfillRequest')
  @ApiJsonResponse(200, 'BackfillResult', 'What ran (or would run in a dry run) and what was left alone')
  @ApiProblems('NotFound')
  @ApiConflict('The job has no schedule (job_not_recurring)')
  backfill(
    @Body(new ZodValidationPipe(backfillRequestSchema, { nullIsAbsent: true })) request: BackfillRequest,
    @Param('id', jobId) id: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.schedules.backfill(principal.namespace, id, request, principal);
  }

  @Get(':id/occurrences')
  @ApiOperation({
    operationId: 'listJobOccurrences',
    summary: "A recurring job's occurrence ledger, newest first",
    description:
      'Every nominal occurrence with what became of it: enqueued, buffered, skipped for overlap, missed, paused, backfilled.',
  })
  @ApiIdParam('job')
  @ApiQueryFrom(pageQuerySchema)
  @ApiJsonResponse(200, 'OccurrencePage', 'A page of the ledger')
  @ApiProblems('BadRequest', 'NotFound')
  async occurrences(
    @Query(new ZodValidationPipe(pageQuerySchema)) query: PageQuery,
    @Param('id', jobId) id: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    const page = await this.schedules.occurrences(principal.namespace, id, query.cursor, query.limit);
    return { items: page.items.map(toOccurrenceView), nextCursor: page.nextCursor };
  }
}
