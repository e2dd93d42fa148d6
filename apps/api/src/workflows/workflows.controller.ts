import { WORKFLOW_STATUS_SCAN_LIMIT } from '@meridian/db';
import { MAX_WORKFLOW_EDGES, MAX_WORKFLOW_JOBS, type Principal, WorkflowNotFoundError } from '@meridian/domain';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { ResourceIdPipe } from '../common/resource-id.pipe.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { ApiIdParam, ApiJsonBody, ApiJsonResponse, ApiQueryFrom } from '../openapi/operation-decorators.js';
import { ApiConflict, ApiProblems } from '../openapi/problem-responses.js';
import { type ListWorkflowsQuery, listWorkflowsQuerySchema } from './dto/list-workflows.query.js';
import type { WorkflowView } from './dto/workflow.view.js';
import { WorkflowsService } from './workflows.service.js';

const workflowId = new ResourceIdPipe(WorkflowNotFoundError);

@ApiTags('workflows')
@Controller('v1/workflows')
export class WorkflowsController {
  constructor(private readonly workflows: WorkflowsService) {}

  @Post()
  @ApiOperation({
    operationId: 'createWorkflow',
    summary: 'Create a workflow: jobs and the dependencies between them',
    description:
      `Validated whole before anything is stored (each job, unique keys, known dependencies, no self edge, no ` +
      `cycle, at most ${MAX_WORKFLOW_JOBS} jobs and ${MAX_WORKFLOW_EDGES} dependencies), then stored in one transaction.`,
  })
  @ApiJsonBody('CreateWorkflowRequest')
  @ApiJsonResponse(201, 'Workflow', 'Created: the workflow with each job and edge', {
    Location: { description: 'The URL of the workflow', schema: { type: 'string' } },
  })
  async create(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WorkflowView> {
    const workflow = await this.workflows.create(principal.namespace, body, principal);
    response.status(201).location(`/v1/workflows/${workflow.id}`);
    return workflow;
  }

  @Get()
  @ApiOperation({
    operationId: 'listWorkflows',
    summary: "List the namespace's workflows, newest first",
    description:
      'Each with its status, when it started and ended, and how many of its jobs are where, without the jobs ' +
      'themselves (GET /v1/workflows/{id} shows them); follow `nextCursor` (as `cursor`) for the next page.',
  })
  @ApiQueryFrom(listWorkflowsQuerySchema, {
    status:
      `Workflows with this status. A page of a status filter reads at most ${WORKFLOW_STATUS_SCAN_LIMIT.toLocaleString('en')} ` +
      'workflows, so it can hold fewer than `limit`, even none, and still have a `nextCursor`: follow it until it is null.',
  })
  @ApiJsonResponse(200, 'WorkflowPage', 'A page of workflows')
  @ApiProblems('BadRequest')
  list(
    @Query(new ZodValidationPipe(listWorkflowsQuerySchema)) query: ListWorkflowsQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.workflows.list(principal.namespace, query);
  }

  @Get(':id')
  @ApiOperation({
    operationId: 'getWorkflow',
    summary: 'A workflow with the state of each job and the edges, to draw it',
    description: "Its status comes from its jobs' latest executions.",
  })
  @ApiIdParam('workflow')
  @ApiJsonResponse(200, 'Workflow', 'The workflow')
  @ApiProblems('NotFound')
  get(@Param('id', workflowId) id: string, @CurrentPrincipal() principal: Principal): Promise<WorkflowView> {
    return this.workflows.get(principal.namespace, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'cancelWorkflow',
    summary: 'Cancel every job of the workflow that has not ended',
    description:
      'Queued jobs are removed, running ones get their AbortSignal, waiting ones never run; the workflow is CANCELLED.',
  })
  @ApiIdParam('workflow')
  @ApiJsonResponse(200, 'Workflow', 'Cancelled: the workflow')
  @ApiProblems('NotFound')
  @ApiConflict('Cancelled before, or nothing left to cancel (workflow_not_cancellable)')
  cancel(@Param('id', workflowId) id: string, @CurrentPrincipal() principal: Principal): Promise<WorkflowView> {
    return this.workflows.cancel(principal.namespace, id, principal);
  }
}
