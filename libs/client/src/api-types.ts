import type { paths } from './generated/openapi.js';

/**
 * The JSON body a route answers with `status`. The named types below are read from the routes that
 * return them, so they are the document's own shapes, whatever the document names its schemas.
 */
type JsonAnswer<
  Path extends keyof paths,
  Method extends keyof paths[Path],
  Status extends number,
  Media extends string = 'application/json',
> = paths[Path][Method] extends { responses: { [S in Status]: { content: { [M in Media]: infer Body } } } }
  ? Body
  : never;

/** The JSON body a route takes. */
type JsonRequest<Path extends keyof paths, Method extends keyof paths[Path]> = paths[Path][Method] extends {
  requestBody?: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;

/** A job, with its latest execution and, when it recurs, its schedule's state. */
export type Job = JsonAnswer<'/v1/jobs/{id}', 'get', 200>;
/** What `POST /v1/jobs` takes. */
export type CreateJobRequest = JsonRequest<'/v1/jobs', 'post'>;
/** One run of a job, with its attempts when read on its own. */
export type Execution = JsonAnswer<'/v1/executions/{id}', 'get', 200>;
/** One status of an execution (and of the job whose latest execution it is). */
export type ExecutionStatus = Execution['status'];
/** One attempt of an execution: how it ended, on which worker, and its error when it failed. */
export type Attempt = NonNullable<Execution['attempts']>[number];
/** A recurring job's schedule state. */
export type JobSchedule = NonNullable<Job['schedule']>;
/** A workflow: its jobs and the edges between them. */
export type Workflow = JsonAnswer<'/v1/workflows/{id}', 'get', 200>;
/** What `POST /v1/workflows` takes. */
export type CreateWorkflowRequest = JsonRequest<'/v1/workflows', 'post'>;
/** One job of a workflow, with its latest execution's state. */
export type WorkflowJob = Workflow['jobs'][number];
/** One nominal occurrence of a recurring job and what became of it. */
export type Occurrence = JsonAnswer<'/v1/jobs/{id}/occurrences', 'get', 200>['items'][number];
/** The next nominal runs of a recurring job. */
export type UpcomingRuns = JsonAnswer<'/v1/jobs/{id}/upcoming', 'get', 200>;
/** An API key as listed (never the secret). */
export type ApiKey = JsonAnswer<'/v1/keys', 'get', 200>['items'][number];
/** A key just created: the only answer that holds its secret, `key`. */
export type CreatedApiKey = JsonAnswer<'/v1/keys', 'post', 201>;
/** One entry of the audit log. */
export type AuditEntry = JsonAnswer<'/v1/audit', 'get', 200>['items'][number];
/** An RFC 9457 problem: what every 4xx and 5xx answer of the API carries. */
export type Problem = JsonAnswer<'/v1/jobs/{id}', 'get', 404, 'application/problem+json'>;

/** One page of a cursor-paginated list; `nextCursor` is null after the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
