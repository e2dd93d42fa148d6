import { Readiness, type ReadinessReport } from '@meridian/metrics';
import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { Public } from '../auth/auth.decorators.js';
import { ApiJsonResponse } from '../openapi/operation-decorators.js';

@ApiTags('health')
@Controller()
@Public()
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get('healthz')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'getLiveness',
    summary: 'Liveness: the process serves requests',
    description: 'For a liveness probe: answers as long as the process runs, whatever Postgres and Redis do.',
  })
  @ApiJsonResponse(200, 'Liveness', 'The process is alive')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOperation({
    operationId: 'getReadiness',
    summary: 'Readiness: Postgres and Redis answer',
    description:
      'For a readiness probe: 503 while a dependency is down or slower than 2 s, so no traffic is sent here.',
  })
  @ApiJsonResponse(200, 'Readiness', 'Ready: every check is up')
  @ApiJsonResponse(503, 'Readiness', 'Not ready: a check is down')
  async ready(@Res({ passthrough: true }) response: Response): Promise<ReadinessReport> {
    const report = await this.readiness.report();
    response.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}
