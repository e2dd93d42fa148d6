import {
  createWorkflowRequestSchema,
  MAX_WORKFLOW_EDGES,
  MAX_WORKFLOW_JOBS,
  type Principal,
  WorkflowNotFoundError,
} from '@meridian/domain';
import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { openApiSchema, problemResponse } from '../common/openapi-schema.js';
import { ResourceIdPipe } from '../common/resource-id.pipe.js';
import { type WorkflowView, workflowViewSchema } from './dto/workflow.view.js';
import { WorkflowsService } from './workflows.service.js';

const workflowId = new ResourceIdPipe(WorkflowNotFoundError);

@ApiTags('workflows')
@Controller('v1/workflows')
export class WorkflowsController {
  constructor(private readonly workflows: WorkflowsService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a workflow: jobs and the dependencies between them',
    description:
      `Validated whole before anything is stored (each job, unique keys, known dependencies, no self edge, no ` +
      `cycle, at most ${MAX_WORKFLOW_JOBS} jobs and ${MAX_WORKFLOW_EDGES} dependencies), then stored in one transaction.`,
  })
  @ApiBody({ schema: openApiSchema(createWorkflowRequestSchema, 'input') })
  @ApiResponse({ status: 201, schema: openApiSchema(workflowViewSchema) })
  @ApiResponse({ status: 400, ...problemResponse, description: 'Invalid workflow; each problem names its job' })
  @ApiResponse({ status: 413, ...problemResponse, description: 'Body or a payload too large' })
  async create(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WorkflowView> {
    const workflow = await this.workflows.create(principal.namespace, body, principal);
    response.status(201).location(`/v1/workflows/${workflow.id}`);
    return workflow;
  }

  @Get(':id')
  @ApiOperation({ summary: 'A workflow with the state of each job and the edges, to draw it' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, schema: openApiSchema(workflowViewSchema) })
  @ApiResponse({ status: 404, ...problemResponse, description: 'No such workflow' })
  get(@Param('id', workflowId) id: string, @CurrentPrincipal() principal: Principal): Promise<WorkflowView> {
    return this.workflows.get(principal.namespace, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel every job of the workflow that has not ended' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, schema: openApiSchema(workflowViewSchema) })
  @ApiResponse({ status: 404, ...problemResponse, description: 'No such workflow' })
  @ApiResponse({ status: 409, ...problemResponse, description: 'Cancelled before, or nothing left to cancel' })
  cancel(@Param('id', workflowId) id: string, @CurrentPrincipal() principal: Principal): Promise<WorkflowView> {
    return this.workflows.cancel(principal.namespace, id, principal);
  }
}
