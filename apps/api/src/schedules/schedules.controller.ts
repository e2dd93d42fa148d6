import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';

import { openApiSchema, problemSchema } from '../common/openapi-schema.js';
import { parseQuery } from '../common/parse-query.js';
import { pageQuerySchema } from '../jobs/dto/list-jobs.query.js';
import {
  occurrencePageSchema,
  toOccurrenceView,
  upcomingQuerySchema,
  upcomingSchema,
} from '../jobs/dto/occurrence.view.js';
import { SchedulesService } from './schedules.service.js';

const problem = { content: { 'application/problem+json': { schema: openApiSchema(problemSchema) } } };

@ApiTags('schedules')
@Controller('v1/jobs')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Get(':id/upcoming')
  @ApiOperation({ summary: "Preview a recurring job's next nominal times" })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiQuery({ name: 'count', required: false, description: '1 to 100, default 10' })
  @ApiResponse({ status: 200, schema: openApiSchema(upcomingSchema) })
  @ApiResponse({ status: 404, ...problem, description: 'No such job' })
  @ApiResponse({ status: 409, ...problem, description: 'The job has no schedule' })
  upcoming(@Param('id') id: string, @Query() query: unknown) {
    return this.schedules.upcoming(id, parseQuery(upcomingQuerySchema, query).count);
  }

  @Get(':id/occurrences')
  @ApiOperation({
    summary: "A recurring job's occurrence ledger, newest first",
    description: 'Every nominal occurrence with what became of it: enqueued, skipped for overlap, missed.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, schema: openApiSchema(occurrencePageSchema) })
  @ApiResponse({ status: 404, ...problem, description: 'No such job' })
  async occurrences(@Param('id') id: string, @Query() query: unknown) {
    const { cursor, limit } = parseQuery(pageQuerySchema, query);
    const page = await this.schedules.occurrences(id, cursor, limit);
    return { items: page.items.map(toOccurrenceView), nextCursor: page.nextCursor };
  }
}
