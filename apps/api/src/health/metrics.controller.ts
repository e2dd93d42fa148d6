import { MetricCatalog } from '@meridian/metrics';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { Public } from '../auth/auth.decorators.js';

/** Prometheus's scrape of the api, on the api's own port, without a key (as the probes). */
@ApiTags('health')
@Controller()
@Public()
export class MetricsController {
  constructor(private readonly catalog: MetricCatalog) {}

  @Get('metrics')
  @ApiOperation({ summary: "The api process's metrics, in Prometheus's text format" })
  @ApiProduces('text/plain')
  async metrics(@Res({ passthrough: true }) response: Response): Promise<string> {
    response.setHeader('content-type', this.catalog.registry.contentType);
    return this.catalog.registry.metrics();
  }
}
