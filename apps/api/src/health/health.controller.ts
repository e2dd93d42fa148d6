import { DatabaseHealthRepository } from '@meridian/db';
import { RedisHealthRepository } from '@meridian/runtime';
import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { Public } from '../auth/auth.decorators.js';

type Check = 'up' | 'down';

@ApiTags('health')
@Controller()
@Public()
export class HealthController {
  constructor(
    private readonly database: DatabaseHealthRepository,
    private readonly redis: RedisHealthRepository,
  ) {}

  @Get('healthz')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process serves requests' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOperation({ summary: 'Readiness: Postgres and Redis answer' })
  @ApiResponse({ status: 200, description: 'Ready' })
  @ApiResponse({ status: 503, description: 'A dependency is down' })
  async ready(
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ status: string; checks: Record<string, Check> }> {
    const [postgres, redis] = await Promise.all([probe(() => this.database.ping()), probe(() => this.redis.ping())]);
    const ready = postgres === 'up' && redis === 'up';
    response.status(ready ? 200 : 503);
    return { status: ready ? 'ok' : 'unavailable', checks: { postgres, redis } };
  }
}

async function probe(check: () => Promise<void>): Promise<Check> {
  try {
    await check();
    return 'up';
  } catch {
    return 'down';
  }
}
