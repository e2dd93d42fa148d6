import type { Principal } from '@meridian/domain';
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';

import { CurrentPrincipal, RequiresScope } from '../auth/auth.decorators.js';
import { openApiSchema, problemResponse } from '../common/openapi-schema.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import {
  type HttpAllowedTargetsRequest,
  httpAllowedTargetsSchema,
  type HttpAllowedTargetsView,
  httpAllowedTargetsViewSchema,
} from './dto/http-allowed-targets.dto.js';
import {
  type LimitsView,
  limitsViewSchema,
  type NamespaceLimitsRequest,
  namespaceLimitsSchema,
} from './dto/namespace-limits.dto.js';
import { NamespaceNamePipe } from './namespace-name.pipe.js';
import { NamespacesService } from './namespaces.service.js';

const namespaceName = new NamespaceNamePipe();

/**
 * Each namespace's share of the workers, and the internal address ranges its http jobs may call.
 * Only operators (keys of namespace `default` with the `operator` scope) read and set them: a tenant
 * must not raise its own limits, nor open itself a way into the network.
 */
@ApiTags('namespaces')
@Controller('v1/namespaces')
@RequiresScope('operator')
export class NamespacesController {
  constructor(private readonly namespaces: NamespacesService) {}

  @Get(':name/limits')
  @ApiOperation({ summary: "A namespace's limits on the workers, its own and in effect" })
  @ApiParam({ name: 'name' })
  @ApiResponse({ status: 200, schema: openApiSchema(limitsViewSchema) })
  @ApiResponse({ status: 403, ...problemResponse, description: 'Not an operator' })
  get(@Param('name', namespaceName) name: string): Promise<LimitsView> {
    return this.namespaces.limits(name);
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
  set(
    @Param('name', namespaceName) name: string,
    @Body(new ZodValidationPipe(namespaceLimitsSchema)) limits: NamespaceLimitsRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<LimitsView> {
    return this.namespaces.setLimits(name, limits, principal);
  }

  @Get(':name/http-allowed-targets')
  @ApiOperation({ summary: 'The internal address ranges the http handler may call for a namespace' })
  @ApiParam({ name: 'name' })
  @ApiResponse({ status: 200, schema: openApiSchema(httpAllowedTargetsViewSchema) })
  @ApiResponse({ status: 403, ...problemResponse, description: 'Not an operator' })
  getHttpAllowedTargets(@Param('name', namespaceName) name: string): Promise<HttpAllowedTargetsView> {
    return this.namespaces.httpAllowedTargets(name);
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
  setHttpAllowedTargets(
    @Param('name', namespaceName) name: string,
    @Body(new ZodValidationPipe(httpAllowedTargetsSchema)) targets: HttpAllowedTargetsRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<HttpAllowedTargetsView> {
    return this.namespaces.setHttpAllowedTargets(name, targets.ranges, principal);
  }
}
