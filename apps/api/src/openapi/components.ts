import { auditEntryViewSchema, auditLogPageSchema } from '../audit/dto/audit-entry.view.js';
import { fieldIssueViewSchema, problemViewSchema } from '../common/dto/problem.view.js';
import { type NamedSchema, namedSchemas, type SchemaObject, schemaRef } from '../common/openapi-schema.js';
import {
  attemptErrorSchema,
  attemptOutcomeSchema,
  attemptViewSchema,
  executionPageSchema,
  executionStatusSchema,
  executionSummaryViewSchema,
  executionViewSchema,
} from '../executions/dto/execution.view.js';
import { livenessViewSchema, readinessViewSchema } from '../health/dto/health.view.js';
import { createJobRequestDocument } from '../jobs/dto/create-job.request.js';
import {
  childOfViewSchema,
  createdJobViewSchema,
  jobBatchViewSchema,
  jobPageSchema,
  jobSummaryViewSchema,
  jobViewSchema,
  minimalJobViewSchema,
  scheduleStateViewSchema,
} from '../jobs/dto/job.view.js';
import { batchJobRequestDocument, jobBatchRequestDocument } from '../jobs/dto/job-batch.request.js';
import { createKeyRequestSchema } from '../keys/dto/create-key.request.js';
import { createdKeyViewSchema, keyListViewSchema, keyViewSchema } from '../keys/dto/key.view.js';
import { httpAllowedTargetsSchema, httpAllowedTargetsViewSchema } from '../namespaces/dto/http-allowed-targets.dto.js';
import { limitsViewSchema, namespaceLimitsSchema } from '../namespaces/dto/namespace-limits.dto.js';
import { webhookSecretViewSchema } from '../namespaces/dto/webhook-secret.view.js';
import {
  overviewViewSchema,
  queueOverviewViewSchema,
  throughputBucketViewSchema,
} from '../overview/dto/overview.view.js';
import { backfillRequestSchema, backfillResultSchema } from '../schedules/dto/backfill.dto.js';
import { occurrencePageSchema, occurrenceViewSchema } from '../schedules/dto/occurrence.view.js';
import { pauseRequestSchema } from '../schedules/dto/pause.request.js';
import {
  cronScheduleSchema,
  everyMsScheduleSchema,
  everyScheduleSchema,
  scheduleSchema,
} from '../schedules/dto/schedule.dto.js';
import { triggerResultSchema } from '../schedules/dto/trigger.view.js';
import { upcomingSchema } from '../schedules/dto/upcoming.view.js';
import { updateJobRequestDocument } from '../schedules/dto/update-job.request.js';
import { createWorkflowRequestDocument, workflowJobRequestDocument } from '../workflows/dto/create-workflow.request.js';
import {
  workflowEdgeViewSchema,
  workflowJobCountsViewSchema,
  workflowJobViewSchema,
  workflowPageSchema,
  workflowStatusSchema,
  workflowSummaryViewSchema,
  workflowViewSchema,
} from '../workflows/dto/workflow.view.js';
import {
  attemptExample,
  createJobRequestExample,
  createWorkflowRequestExample,
  executionExample,
  executionSummaryExample,
  jobExample,
  problemExample,
} from './examples.js';

const request = (schema: NamedSchema['schema'], example?: unknown): NamedSchema => ({ schema, io: 'input', example });
const response = (schema: NamedSchema['schema'], example?: unknown): NamedSchema => ({ schema, io: 'output', example });

/**
 * Every named schema of the document (`components.schemas`), by name: the zod schemas the routes
 * validate requests with (read as sent) and shape answers with (read as answered). A schema used in
 * several places is named here once, and everywhere else a `$ref`.
 */
const NAMED_SCHEMAS = {
  // Jobs
  CreateJobRequest: request(createJobRequestDocument, createJobRequestExample),
  CreateJobBatchRequest: request(jobBatchRequestDocument),
  BatchJobRequest: request(batchJobRequestDocument),
  UpdateJobRequest: request(updateJobRequestDocument),
  Job: response(jobViewSchema, jobExample),
  JobSummary: response(jobSummaryViewSchema),
  ChildOf: response(childOfViewSchema),
  MinimalJob: response(minimalJobViewSchema),
  CreatedJob: response(createdJobViewSchema),
  JobBatch: response(jobBatchViewSchema),
  JobPage: response(jobPageSchema),
  // Executions
  ExecutionStatus: response(executionStatusSchema),
  ExecutionSummary: response(executionSummaryViewSchema, executionSummaryExample),
  Execution: response(executionViewSchema, executionExample),
  ExecutionPage: response(executionPageSchema),
  Attempt: response(attemptViewSchema, attemptExample),
  AttemptOutcome: response(attemptOutcomeSchema),
  AttemptError: response(attemptErrorSchema),
  // Schedules
  Schedule: request(scheduleSchema),
  CronSchedule: request(cronScheduleSchema),
  EverySchedule: request(everyScheduleSchema),
  EveryMsSchedule: request(everyMsScheduleSchema),
  ScheduleState: response(scheduleStateViewSchema),
  PauseJobRequest: request(pauseRequestSchema),
  BackfillRequest: request(backfillRequestSchema),
  BackfillResult: response(backfillResultSchema),
  TriggerResult: response(triggerResultSchema),
  UpcomingRuns: response(upcomingSchema),
  Occurrence: response(occurrenceViewSchema),
  OccurrencePage: response(occurrencePageSchema),
  // Workflows
  CreateWorkflowRequest: request(createWorkflowRequestDocument, createWorkflowRequestExample),
  WorkflowJobRequest: request(workflowJobRequestDocument),
  Workflow: response(workflowViewSchema),
  WorkflowStatus: response(workflowStatusSchema),
  WorkflowSummary: response(workflowSummaryViewSchema),
  WorkflowJobCounts: response(workflowJobCountsViewSchema),
  WorkflowPage: response(workflowPageSchema),
  WorkflowJob: response(workflowJobViewSchema),
  WorkflowEdge: response(workflowEdgeViewSchema),
  // Overview
  Overview: response(overviewViewSchema),
  OverviewThroughputBucket: response(throughputBucketViewSchema),
  OverviewQueue: response(queueOverviewViewSchema),
  // Keys, audit, namespaces
  CreateApiKeyRequest: request(createKeyRequestSchema),
  ApiKey: response(keyViewSchema),
  CreatedApiKey: response(createdKeyViewSchema),
  ApiKeyList: response(keyListViewSchema),
  AuditEntry: response(auditEntryViewSchema),
  AuditEntryPage: response(auditLogPageSchema),
  NamespaceLimitsRequest: request(namespaceLimitsSchema),
  NamespaceLimits: response(limitsViewSchema),
  HttpAllowedTargetsRequest: request(httpAllowedTargetsSchema),
  HttpAllowedTargets: response(httpAllowedTargetsViewSchema),
  WebhookSecret: response(webhookSecretViewSchema),
  // Errors and health
  Problem: response(problemViewSchema, problemExample),
  FieldIssue: response(fieldIssueViewSchema),
  Liveness: response(livenessViewSchema),
  Readiness: response(readinessViewSchema),
} satisfies Record<string, NamedSchema>;

export type SchemaName = keyof typeof NAMED_SCHEMAS;

/** `$ref` to the named schema `name`. */
export const ref = (name: SchemaName): { $ref: string } => schemaRef(name);

/** The document's `components.schemas`. */
export function componentSchemas(): Record<string, SchemaObject> {
  return namedSchemas(NAMED_SCHEMAS);
}

/** Each named zod schema's name, to refer to it from a schema that has none (query parameters). */
export const SCHEMA_NAMES: ReadonlyMap<NamedSchema['schema'], string> = new Map(
  Object.entries(NAMED_SCHEMAS).map(([name, { schema }]) => [schema, name]),
);
