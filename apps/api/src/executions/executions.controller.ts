import { ATTEMPTS_PAGE_DEFAULT, ATTEMPTS_PAGE_MAX } from '@meridian/db';
import { ExecutionNotFoundError, type Principal } from '@meridian/domain';
import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { openApiSchema, problemResponse } from '../common/openapi-schema.js';
import { ResourceIdPipe } from '../common/resource-id.pipe.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { type ExecutionQuery, executionQuerySchema } from './dto/execution.query.js';
import { type ExecutionView, executionViewSchema } from './dto/execution.view.js';
import { ExecutionsService } from './executions.service.js';

const executionId = new ResourceIdPipe(ExecutionNotFoundError);

@ApiTags('executions')
@Controller('v1/executions')
export class ExecutionsController {
  constructor(private readonly executions: ExecutionsService) {}

  @Get(':id')
  @ApiOperation({
    summary: 'Get an execution with its attempts',
    description:
      'The attempts come a page at a time, oldest first; `attemptsNextCursor` continues them (as `attemptsCursor`).',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiQuery({
    name: 'attemptsLimit',
    required: false,
    description: `Attempts shown, 1 to ${ATTEMPTS_PAGE_MAX}, default ${ATTEMPTS_PAGE_DEFAULT}`,
  })
  @ApiQuery({ name: 'attemptsCursor', required: false, description: 'attemptsNextCursor of the previous answer' })
  @ApiResponse({ status: 200, schema: openApiSchema(executionViewSchema) })
  @ApiResponse({ status: 400, description: 'Invalid query', ...problemResponse })
  @ApiResponse({
    status: 404,
    description: 'No such execution',
    ...problemResponse,
  })
  get(
    @Query(new ZodValidationPipe(executionQuerySchema)) query: ExecutionQuery,
    @Param('id', executionId) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ExecutionView> {
    return this.executions.get(principal.namespace, id, query);
  }

  @Post(':id/retry')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Run a DEAD or CANCELLED execution again',
    description:
      "A new execution of its job (the job's latest). Jobs downstream that were skipped or cancelled because " +
      'of it wait again, so a workflow resumes from the retried job.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 201, schema: openApiSchema(executionViewSchema) })
  @ApiResponse({ status: 404, ...problemResponse, description: 'No such execution' })
  @ApiResponse({ status: 409, ...problemResponse, description: 'Not DEAD or CANCELLED, superseded, or recurring' })
  async retry(
    @Param('id', executionId) id: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ExecutionView> {
    const retried = await this.executions.retry(principal.namespace, id, principal);
    response.location(`/v1/executions/${retried.id}`);
    return retried;
  }
}
