import type { MeridianConfig } from '@meridian/config';
import { NamespaceRepository } from '@meridian/db';
import {
  effectiveLimits,
  InsufficientScopeError,
  isOperator,
  NAMESPACE_PATTERN,
  type Principal,
  toFieldIssues,
  ValidationError,
} from '@meridian/domain';
import { CONFIG } from '@meridian/runtime';
import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';

import { Audited } from '../audit/audited.decorator.js';
import { CurrentPrincipal, RequiresScope } from '../auth/auth.decorators.js';
import { openApiSchema, problemResponse } from '../common/openapi-schema.js';

const limit = (max: number) => z.int().min(1).max(max).nullable();

export const namespaceLimitsSchema = z.strictObject({
  maxConcurrency: limit(1_000_000).describe('Runs at once across every worker; null: the configured default'),
  maxRunsPerMinute: limit(100_000_000).describe('Runs started per minute; null: the configured default'),
});

const limitsViewSchema = z.object({
  namespace: z.string(),
  own: namespaceLimitsSchema.describe("The namespace's own limits"),
  effective: z.object({ maxConcurrency: z.int().nullable(), maxRunsPerMinute: z.int().nullable() }),
});

/**
 * Each namespace's share of the workers. Only operators (admin keys of namespace `default`) read and
 * set them: a tenant must not raise its own limits.
 */
@ApiTags('namespaces')
@Controller('v1/namespaces')
@RequiresScope('admin')
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
  async get(@Param('name') name: string, @CurrentPrincipal() principal: Principal) {
    this.assertOperator(principal, name);
    return this.view(name);
  }

  @Put(':name/limits')
  @Audited('namespace.limits_set', 'namespace')
  @ApiOperation({
    summary: "Set a namespace's limits on the workers",
    description:
      'At most maxConcurrency of its runs at once and maxRunsPerMinute started a minute; workers apply a change within 30 s.',
  })
  @ApiParam({ name: 'name' })
  @ApiBody({ schema: openApiSchema(namespaceLimitsSchema, 'input') })
  @ApiResponse({ status: 200, schema: openApiSchema(limitsViewSchema) })
  @ApiResponse({ status: 400, ...problemResponse, description: 'Invalid limits' })
  @ApiResponse({ status: 403, ...problemResponse, description: 'Not an operator' })
  async set(@Param('name') name: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    this.assertOperator(principal, name);
    const parsed = namespaceLimitsSchema.safeParse(body);
    if (!parsed.success) {
      throw new ValidationError(toFieldIssues(parsed.error));
    }
    await this.namespaces.setLimits(name, parsed.data);
    return this.view(name);
  }

  private assertOperator(principal: Principal, name: string): void {
    if (!isOperator(principal)) {
      throw new InsufficientScopeError('admin in namespace default (an operator)');
    }
    if (!NAMESPACE_PATTERN.test(name)) {
      throw new ValidationError([
        { path: 'name', message: 'must be lower-case letters, digits or "-"', code: 'invalid_string' },
      ]);
    }
  }

  private async view(name: string) {
    const own = await this.namespaces.limits(name);
    return {
      namespace: name,
      own: { maxConcurrency: own?.maxConcurrency ?? null, maxRunsPerMinute: own?.maxRunsPerMinute ?? null },
      effective: effectiveLimits(own, this.config.worker.namespaceDefaults),
    };
  }
}
