import { ATTEMPTS_PAGE_DEFAULT, ATTEMPTS_PAGE_MAX, ExecutionRepository } from '@meridian/db';
import { ExecutionNotFoundError, ExecutionNotRetryableError, isUuid, type Principal } from '@meridian/domain';
import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { auditEntry } from '../audit/audit-entry.js';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { openApiSchema, problemResponse } from '../common/openapi-schema.js';
import { parseQuery } from '../common/parse-input.js';
import {
  executionQuerySchema,
  type ExecutionView,
  executionViewSchema,
  toExecutionView,
} from './dto/execution.view.js';

/** The attempts of an execution just created: none. */
const NO_ATTEMPTS = { items: [], nextCursor: null };

@ApiTags('executions')
@Controller('v1/executions')
export class ExecutionsController {
  constructor(private readonly executions: ExecutionRepository) {}

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
  async get(
    @Param('id') id: string,
    @Query() query: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ExecutionView> {
    const { attemptsCursor, attemptsLimit } = parseQuery(executionQuerySchema, query);
    const execution = isUuid(id)
      ? await this.executions.findById(principal.namespace, id, { cursor: attemptsCursor, limit: attemptsLimit })
      : null;
    if (execution === null) {
      throw new ExecutionNotFoundError(id);
    }
    return toExecutionView(execution, { items: execution.attempts, nextCursor: execution.attemptsNextCursor });
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
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ExecutionView> {
    const retried = isUuid(id)
      ? await this.executions.retry(principal.namespace, id, new Date(), (created) =>
          auditEntry(
            principal,
            'execution.retried',
            { type: 'execution', id },
            null,
            toExecutionView(created, NO_ATTEMPTS),
          ),
        )
      : null;
    if (retried === null) {
      throw new ExecutionNotFoundError(id);
    }
    if ('refused' in retried) {
      throw new ExecutionNotRetryableError(id, retried.refused);
    }
    response.location(`/v1/executions/${retried.executionId}`);
    return this.get(retried.executionId, {}, principal);
  }
}
