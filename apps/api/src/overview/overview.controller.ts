import type { Principal } from '@meridian/domain';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { ApiJsonResponse, ApiQueryFrom } from '../openapi/operation-decorators.js';
import { ApiProblems } from '../openapi/problem-responses.js';
import { type OverviewQuery, overviewQuerySchema } from './dto/overview.query.js';
import type { OverviewView } from './dto/overview.view.js';
import { OverviewService } from './overview.service.js';

@ApiTags('overview')
@Controller('v1/overview')
export class OverviewController {
  constructor(private readonly overview: OverviewService) {}

  @Get()
  @ApiOperation({
    operationId: 'getOverview',
    summary: "How the namespace's work went lately, and how the queues stand",
    description:
      "Over the last `windowMinutes`: the namespace's executions that ended and attempts that failed, per " +
      "bucket, and how late their first attempts started. Now: each queue's jobs by state and workers, and the " +
      "outbox's backlog, which are the cluster's (every namespace shares them).",
  })
  @ApiQueryFrom(overviewQuerySchema)
  @ApiJsonResponse(200, 'Overview', 'The overview')
  @ApiProblems('BadRequest')
  get(
    @Query(new ZodValidationPipe(overviewQuerySchema)) query: OverviewQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<OverviewView> {
    return this.overview.get(principal.namespace, query.windowMinutes);
  }
}
