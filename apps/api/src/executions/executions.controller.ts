import { ExecutionRepository } from '@meridian/db';
import { DEFAULT_NAMESPACE, ExecutionNotFoundError, isUuid } from '@meridian/domain';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';

import { openApiSchema, problemResponse } from '../common/openapi-schema.js';
import { type ExecutionView, executionViewSchema, toExecutionView } from './dto/execution.view.js';

@ApiTags('executions')
@Controller('v1/executions')
export class ExecutionsController {
  constructor(private readonly executions: ExecutionRepository) {}

  @Get(':id')
  @ApiOperation({ summary: 'Get an execution with every attempt' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, schema: openApiSchema(executionViewSchema) })
  @ApiResponse({
    status: 404,
    description: 'No such execution',
    ...problemResponse,
  })
  async get(@Param('id') id: string): Promise<ExecutionView> {
    const execution = isUuid(id) ? await this.executions.findById(DEFAULT_NAMESPACE, id) : null;
    if (execution === null) {
      throw new ExecutionNotFoundError(id);
    }
    return toExecutionView(execution, execution.attempts);
  }
}
