import { ATTEMPTS_PAGE_MAX } from '@meridian/db';
import { ExecutionNotFoundError, type Principal } from '@meridian/domain';
import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { ResourceIdPipe } from '../common/resource-id.pipe.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { ApiIdParam, ApiJsonResponse, ApiQueryFrom } from '../openapi/operation-decorators.js';
import { ApiConflict, ApiProblems } from '../openapi/problem-responses.js';
import { type ExecutionQuery, executionQuerySchema } from './dto/execution.query.js';
import type { ExecutionView } from './dto/execution.view.js';
import { ExecutionsService } from './executions.service.js';

const executionId = new ResourceIdPipe(ExecutionNotFoundError);

@ApiTags('executions')
@Controller('v1/executions')
export class ExecutionsController {
  constructor(private readonly executions: ExecutionsService) {}

  @Get(':id')
  @ApiOperation({
    operationId: 'getExecution',
    summary: 'Get an execution with its attempts',
    description:
      `The attempts come a page at a time (at most ${ATTEMPTS_PAGE_MAX}), oldest first; \`attemptsNextCursor\` ` +
      'continues them (as `attemptsCursor`).',
  })
  @ApiIdParam('execution')
  @ApiQueryFrom(executionQuerySchema)
  @ApiJsonResponse(200, 'Execution', 'The execution with a page of its attempts')
  @ApiProblems('BadRequest', 'NotFound')
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
    operationId: 'retryExecution',
    summary: 'Run a DEAD or CANCELLED execution again',
    description:
      "A new execution of its job (the job's latest). Jobs downstream that were skipped or cancelled because " +
      'of it wait again, so a workflow resumes from the retried job.',
  })
  @ApiIdParam('execution')
  @ApiJsonResponse(201, 'Execution', 'The new execution', {
    Location: { description: 'The URL of the new execution', schema: { type: 'string' } },
  })
  @ApiProblems('NotFound')
  @ApiConflict(
    'Not DEAD or CANCELLED, superseded by a later execution, or of a recurring job (execution_not_retryable)',
  )
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
