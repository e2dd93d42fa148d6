import type { components } from './generated/openapi.js';

/** The document's named schemas (`components.schemas`), as TypeScript types. */
type Schemas = components['schemas'];

/** A job, with its latest execution and, when it recurs, its schedule's state. */
export type Job = Schemas['Job'];
/** A job as lists answer it (`GET /v1/jobs`). */
export type JobSummary = Schemas['JobSummary'];
/** What `POST /v1/jobs` takes. */
export type CreateJobRequest = Schemas['CreateJobRequest'];
/** What `POST /v1/jobs` answers: the job, or only its ids with `Prefer: return=minimal`. */
export type CreatedJob = Schemas['CreatedJob'];
/** One run of a job, with its attempts when read on its own. */
export type Execution = Schemas['Execution'];
/** An execution as lists answer it (`GET /v1/jobs/{id}/executions`), without its attempts. */
export type ExecutionSummary = Schemas['ExecutionSummary'];
/** One status of an execution (and of the job whose latest execution it is). */
export type ExecutionStatus = Schemas['ExecutionStatus'];
/** One attempt of an execution: how it ended, on which worker, and its error when it failed. */
export type Attempt = Schemas['Attempt'];
/** A recurring job's schedule: one of cron, every or everyMs, with the shared fields. */
export type Schedule = Schemas['Schedule'];
/** A recurring job's schedule state. */
export type JobSchedule = Schemas['ScheduleState'];
/** A workflow: its jobs and the edges between them. */
export type Workflow = Schemas['Workflow'];
/** What `POST /v1/workflows` takes. */
export type CreateWorkflowRequest = Schemas['CreateWorkflowRequest'];
/** One job of a workflow, with its latest execution's state. */
export type WorkflowJob = Schemas['WorkflowJob'];
/** One nominal occurrence of a recurring job and what became of it. */
export type Occurrence = Schemas['Occurrence'];
/** The next nominal runs of a recurring job. */
export type UpcomingRuns = Schemas['UpcomingRuns'];
/** An API key as listed (never the secret). */
export type ApiKey = Schemas['ApiKey'];
/** A key just created: the only answer that holds its secret, `key`. */
export type CreatedApiKey = Schemas['CreatedApiKey'];
/** One entry of the audit log. */
export type AuditEntry = Schemas['AuditEntry'];
/** An RFC 9457 problem: what every 4xx and 5xx answer of the API carries. */
export type Problem = Schemas['Problem'];

/** One page of a cursor-paginated list; `nextCursor` is null after the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
