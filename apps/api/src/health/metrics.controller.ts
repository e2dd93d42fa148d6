import { MetricCatalog } from '@meridian/metrics';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { Public } from '../auth/auth.decorators.js';

/** Prometheus's scrape of the api, on the api's own port, without a key (as the probes). */
@ApiTags('health')
@Controller()
@Public()
export class MetricsController {
  constructor(private readonly catalog: MetricCatalog) {}

  @Get('metrics')
  @ApiOperation({
    operationId: 'getMetrics',
    summary: "The api process's metrics, in Prometheus's text format",
    description: "For Prometheus's scrape of this api process: requests, latencies, refusals and the Node.js defaults.",
  })
  @ApiResponse({
    status: 200,
    description: 'Every meridian_* metric of this process, and the Node.js defaults',
    content: { 'text/plain': { schema: { type: 'string', example: 'meridian_http_requests_total{...} 12' } } },
  })
  async metrics(@Res({ passthrough: true }) response: Response): Promise<string> {
    response.setHeader('content-type', this.catalog.registry.contentType);
    return this.catalog.registry.metrics();
  }
}
