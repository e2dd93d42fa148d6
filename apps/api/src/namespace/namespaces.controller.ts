import { cidrRange, type MeridianConfig } from '@meridian/config';
import { type NamespaceLimits, NamespaceRepository } from '@meridian/db';
import {
  effectiveLimits,
  effectiveRecurringQuota,
  NAMESPACE_PATTERN,
  type Principal,
  ValidationError,
} from '@meridian/domain';
import { CONFIG } from '@meridian/runtime';
import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';

import { auditEntry } from '../audit/audit-entry.js';
import { CurrentPrincipal, RequiresScope } from '../auth/auth.decorators.js';
import { openApiSchema, problemResponse } from '../common/openapi-schema.js';
import { parseBody } from '../common/parse-input.js';

const limit = (max: number) => z.int().min(1).max(max).nullable();

export const namespaceLimitsSchema = z.strictObject({
  maxConcurrency: limit(1_000_000)
    .optional()
    .describe('Runs at once across every worker; null: NAMESPACE_MAX_CONCURRENCY; left out: unchanged'),
  maxRunsPerMinute: limit(100_000_000)
    .optional()
    .describe('Runs started per minute; null: NAMESPACE_MAX_RUNS_PER_MINUTE; left out: unchanged'),
  maxRecurringJobs: limit(10_000_000)
    .optional()
    .describe('Recurring jobs it may have (active or paused); null: NAMESPACE_MAX_RECURRING_JOBS; left out: unchanged'),
});

export const httpAllowedTargetsSchema = z.strictObject({
  ranges: z
    .array(cidrRange)
    .max(100)
    .describe('CIDR ranges of internal addresses the namespace may call, besides HTTP_ALLOWED_TARGETS; [] for none'),
});

const httpAllowedTargetsViewSchema = z.object({
  namespace: z.string(),
  own: z.array(z.string()).describe("The namespace's own ranges"),
  processWide: z.array(z.string()).describe('HTTP_ALLOWED_TARGETS, which every namespace may call'),
});

const limitsViewSchema = z.object({
  namespace: z.string(),
  own: namespaceLimitsSchema.required().describe("The namespace's own limits"),
  effective: z.object({
    maxConcurrency: z.int().nullable(),
    maxRunsPerMinute: z.int().nullable(),
    maxRecurringJobs: z.int().nullable(),
  }),
});

/**
 * Each namespace's share of the workers, and the internal address ranges its http jobs may call.
 * Only operators (keys of namespace `default` with the `operator` scope) read and set them: a tenant
 * must not raise its own limits, nor open itself a way into the network.
 */
@ApiTags('namespaces')
@Controller('v1/namespaces')
@RequiresScope('operator')
export class NamespacesController {
  constructor(
    private readonly namespaces: NamespaceRepository,
    @Inject(CONFIG) private readonly config: MeridianConfig,
  ) {}

  @Get(':name/limits')
  @ApiOperation({ summary: "A namespace's limits on the workers, its own and in effect" })
  @ApiParam({ name: 'name' })
  @ApiResponse({ status: 200, schema: openApiSchema(limitsViewSchema) })
  @ApiResponse({ status: 403, ...problemResponse, description: 'Not an operator' })
  async get(@Param('name') name: string) {
    assertNamespaceName(name);
    return this.view(name);
  }

  @Put(':name/limits')
  @ApiOperation({
    summary: "Set a namespace's limits on the workers",
    description:
      'At most maxConcurrency of its runs at once and maxRunsPerMinute started a minute; workers apply a change within 30 s. ' +
      'At most maxRecurringJobs recurring jobs, active or paused: a create past it is a 422 (recurring_job_quota_exceeded).',
  })
  @ApiParam({ name: 'name' })
  @ApiBody({ schema: openApiSchema(namespaceLimitsSchema, 'input') })
  @ApiResponse({ status: 200, schema: openApiSchema(limitsViewSchema) })
  @ApiResponse({ status: 400, ...problemResponse, description: 'Invalid limits' })
  @ApiResponse({ status: 403, ...problemResponse, description: 'Not an operator' })
  async set(@Param('name') name: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    assertNamespaceName(name);
    const limits = parseBody(namespaceLimitsSchema, body);
    await this.namespaces.setLimits(name, limits, ({ before, after }) =>
      auditEntry(
        principal,
        'namespace.limits_set',
        { type: 'namespace', id: name },
        before === null ? null : this.toView(name, before),
        this.toView(name, after),
      ),
    );
    return this.view(name);
  }

  @Get(':name/http-allowed-targets')
  @ApiOperation({ summary: 'The internal address ranges the http handler may call for a namespace' })
  @ApiParam({ name: 'name' })
  @ApiResponse({ status: 200, schema: openApiSchema(httpAllowedTargetsViewSchema) })
  @ApiResponse({ status: 403, ...problemResponse, description: 'Not an operator' })
  async getHttpAllowedTargets(@Param('name') name: string) {
    assertNamespaceName(name);
    return this.httpTargetsView(name, await this.namespaces.httpAllowedTargets(name));
  }

  @Put(':name/http-allowed-targets')
  @ApiOperation({
    summary: 'Set the internal address ranges the http handler may call for a namespace',
    description:
      'Used together with HTTP_ALLOWED_TARGETS; an allowed range wins over the deny table. Workers apply a change within 30 s.',
  })
  @ApiParam({ name: 'name' })
  @ApiBody({ schema: openApiSchema(httpAllowedTargetsSchema, 'input') })
  @ApiResponse({ status: 200, schema: openApiSchema(httpAllowedTargetsViewSchema) })
  @ApiResponse({ status: 400, ...problemResponse, description: 'Not CIDR ranges' })
  @ApiResponse({ status: 403, ...problemResponse, description: 'Not an operator' })
  async setHttpAllowedTargets(
    @Param('name') name: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    assertNamespaceName(name);
    const targets = parseBody(httpAllowedTargetsSchema, body);
    const ranges = [...new Set(targets.ranges)];
    await this.namespaces.setHttpAllowedTargets(name, ranges, ({ before, after }) =>
      auditEntry(
        principal,
        'namespace.http_allowed_targets_set',
        { type: 'namespace', id: name },
        this.httpTargetsView(name, before),
        this.httpTargetsView(name, after),
      ),
    );
    return this.httpTargetsView(name, ranges);
  }

  private httpTargetsView(name: string, own: string[]) {
    return { namespace: name, own, processWide: this.config.worker.httpAllowedTargets };
  }

  private async view(name: string) {
    return this.toView(name, await this.namespaces.limits(name));
  }

  /** A namespace's limits as the API shows them: its own (null when it has no settings), and in effect. */
  private toView(name: string, own: NamespaceLimits | null) {
    return {
      namespace: name,
      own: {
        maxConcurrency: own?.maxConcurrency ?? null,
        maxRunsPerMinute: own?.maxRunsPerMinute ?? null,
        maxRecurringJobs: own?.maxRecurringJobs ?? null,
      },
      effective: {
        ...effectiveLimits(own, this.config.worker.namespaceDefaults),
        maxRecurringJobs: effectiveRecurringQuota(own?.maxRecurringJobs, this.config.api.maxRecurringJobsPerNamespace),
      },
    };
  }
}

function assertNamespaceName(name: string): void {
  if (!NAMESPACE_PATTERN.test(name)) {
    throw new ValidationError([
      { path: 'name', message: 'must be lower-case letters, digits or "-"', code: 'invalid_string' },
    ]);
  }
}
