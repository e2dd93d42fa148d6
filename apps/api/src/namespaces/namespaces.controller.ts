import type { Principal } from '@meridian/domain';
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';

import { CurrentPrincipal, RequiresScope } from '../auth/auth.decorators.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { ApiJsonBody, ApiJsonResponse } from '../openapi/operation-decorators.js';
import { ApiProblems } from '../openapi/problem-responses.js';
import {
  type HttpAllowedTargetsRequest,
  httpAllowedTargetsSchema,
  type HttpAllowedTargetsView,
} from './dto/http-allowed-targets.dto.js';
import { type LimitsView, type NamespaceLimitsRequest, namespaceLimitsSchema } from './dto/namespace-limits.dto.js';
import { NamespaceNamePipe } from './namespace-name.pipe.js';
import { NamespacesService } from './namespaces.service.js';

const namespaceName = new NamespaceNamePipe();

/** The `:name` of a namespace, as NamespaceNamePipe checks it (a bad one is a 400). */
const ApiNamespaceParam = () =>
  ApiParam({
    name: 'name',
    description: 'A namespace: lower-case letters, digits or "-"',
    schema: { type: 'string', example: 'default' },
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
  constructor(private readonly namespaces: NamespacesService) {}

  @Get(':name/limits')
  @ApiOperation({
    operationId: 'getNamespaceLimits',
    summary: "A namespace's limits on the workers, its own and in effect",
    description: 'A limit the namespace does not set is the deployment-wide default (NAMESPACE_MAX_*).',
  })
  @ApiNamespaceParam()
  @ApiJsonResponse(200, 'NamespaceLimits', "The namespace's own limits, and those in effect")
  @ApiProblems('BadRequest')
  get(@Param('name', namespaceName) name: string): Promise<LimitsView> {
    return this.namespaces.limits(name);
  }

  @Put(':name/limits')
  @ApiOperation({
    operationId: 'setNamespaceLimits',
    summary: "Set a namespace's limits on the workers",
    description:
      'At most maxConcurrency of its runs at once and maxRunsPerMinute started a minute; workers apply a change within 30 s. ' +
      'At most maxRecurringJobs recurring jobs, active or paused: a create past it is a 422 (recurring_job_quota_exceeded).',
  })
  @ApiNamespaceParam()
  @ApiJsonBody('NamespaceLimitsRequest')
  @ApiJsonResponse(200, 'NamespaceLimits', "The namespace's limits as set")
  set(
    @Param('name', namespaceName) name: string,
    @Body(new ZodValidationPipe(namespaceLimitsSchema)) limits: NamespaceLimitsRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<LimitsView> {
    return this.namespaces.setLimits(name, limits, principal);
  }

  @Get(':name/http-allowed-targets')
  @ApiOperation({
    operationId: 'getHttpAllowedTargets',
    summary: 'The internal address ranges the http handler may call for a namespace',
    description: "The namespace's own ranges, and HTTP_ALLOWED_TARGETS, which every namespace may call.",
  })
  @ApiNamespaceParam()
  @ApiJsonResponse(200, 'HttpAllowedTargets', "The namespace's own ranges, and those of every namespace")
  @ApiProblems('BadRequest')
  getHttpAllowedTargets(@Param('name', namespaceName) name: string): Promise<HttpAllowedTargetsView> {
    return this.namespaces.httpAllowedTargets(name);
  }

  @Put(':name/http-allowed-targets')
  @ApiOperation({
    operationId: 'setHttpAllowedTargets',
    summary: 'Set the internal address ranges the http handler may call for a namespace',
    description:
      'Used together with HTTP_ALLOWED_TARGETS; an allowed range wins over the deny table. Workers apply a change within 30 s.',
  })
  @ApiNamespaceParam()
  @ApiJsonBody('HttpAllowedTargetsRequest')
  @ApiJsonResponse(200, 'HttpAllowedTargets', "The namespace's ranges as set")
  setHttpAllowedTargets(
    @Param('name', namespaceName) name: string,
    @Body(new ZodValidationPipe(httpAllowedTargetsSchema)) targets: HttpAllowedTargetsRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<HttpAllowedTargetsView> {
    return this.namespaces.setHttpAllowedTargets(name, targets.ranges, principal);
  }
}
