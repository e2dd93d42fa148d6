import type { Attempt, components, Execution, Job, Occurrence } from '@meridian/client';

import { ApiContract } from './api-contract.js';
import { waitFor } from './wait-for.js';

/** The document every answer is checked against; read once, on the first request. */
let contract: ApiContract | undefined;

/*
 * The API's answers as the tests read them: the typed client's types, generated from openapi.json,
 * so a test reads the same shapes the document promises and the contract check enforces.
 */
export type AttemptView = Attempt;
export type ExecutionView = Execution;
export type JobView = Job;
export type OccurrenceView = Occurrence;
export type WorkflowSummaryView = components['schemas']['WorkflowSummary'];
export type WorkflowPageView = components['schemas']['WorkflowPage'];
export type OverviewView = components['schemas']['Overview'];
export type JobSummaryView = components['schemas']['JobSummary'];

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * A thin HTTP client of the REST API for end-to-end tests: real requests, parsed answers. Every
 * answer is held to openapi.json (ApiContract): one the document does not describe, or that does
 * not match it, fails the test that made the request.
 */
export class ApiClient {
  /** `key`: the API key sent with every request (none when undefined). */
  constructor(
    readonly baseUrl: string,
    readonly key?: string,
  ) {}

  /** The same API, as another key. */
  as(key: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, key);
  }

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const auth: Record<string, string> = this.key === undefined ? {} : { authorization: `Bearer ${this.key}` };
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers:
        body === undefined ? { ...auth, ...headers } : { 'content-type': 'application/json', ...auth, ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    contract ??= ApiContract.load();
    contract.check({
      method,
      path,
      status: response.status,
      contentType: response.headers.get('content-type'),
      text,
    });
    return { status: response.status, headers: response.headers, body: (text === '' ? null : JSON.parse(text)) as T };
  }

  /** Creates a job and insists on 201. */
  async createJob(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<JobView> {
    const response = await this.request<JobView>('POST', '/v1/jobs', body, headers);
    if (response.status !== 201) {
      throw new Error(`create answered ${response.status}: ${JSON.stringify(response.body)}`);
    }
    return response.body;
  }

  async job(id: string): Promise<JobView> {
    return (await this.request<JobView>('GET', `/v1/jobs/${id}`)).body;
  }

  async execution(id: string): Promise<ExecutionView> {
    return (await this.request<ExecutionView>('GET', `/v1/executions/${id}`)).body;
  }

  /** The job's first execution, with attempts, once it has reached `status`. */
  async waitForExecution(job: JobView, status: string, timeoutMs = 20_000): Promise<ExecutionView> {
    const executionId = job.latestExecution?.id;
    if (executionId === undefined) {
      throw new Error(`job ${job.id} has no execution`);
    }
    return waitFor(
      async () => {
        const execution = await this.execution(executionId);
        return execution.status === status ? execution : undefined;
      },
      { timeoutMs, what: `execution ${executionId} to be ${status}` },
    );
  }

  /** A page of the namespace's workflows (`GET /v1/workflows`), newest first; insists on 200. */
  async workflows(query: { status?: string; cursor?: string; limit?: number } = {}): Promise<WorkflowPageView> {
    const search = new URLSearchParams(
      Object.entries(query).flatMap(([name, value]): [string, string][] =>
        value === undefined ? [] : [[name, String(value)]],
      ),
    );
    const response = await this.request<WorkflowPageView>('GET', `/v1/workflows?${search.toString()}`);
    if (response.status !== 200) {
      throw new Error(`list workflows answered ${response.status}: ${JSON.stringify(response.body)}`);
    }
    return response.body;
  }

  /** The namespace's overview (`GET /v1/overview`) over the last `windowMinutes`; insists on 200. */
  async overview(windowMinutes?: number): Promise<OverviewView> {
    const query = windowMinutes === undefined ? '' : `?windowMinutes=${windowMinutes}`;
    const response = await this.request<OverviewView>('GET', `/v1/overview${query}`);
    if (response.status !== 200) {
      throw new Error(`overview answered ${response.status}: ${JSON.stringify(response.body)}`);
    }
    return response.body;
  }

  /** A recurring job's ledger (its latest 100 occurrences), oldest first. */
  async occurrences(jobId: string): Promise<OccurrenceView[]> {
    const page = await this.request<{ items: OccurrenceView[] }>('GET', `/v1/jobs/${jobId}/occurrences?limit=100`);
    return [...page.body.items].reverse();
  }

  /** A job's executions (its latest 100), newest first, each with its attempts. */
  async executions(jobId: string): Promise<ExecutionView[]> {
    const page = await this.request<{ items: ExecutionView[] }>('GET', `/v1/jobs/${jobId}/executions?limit=100`);
    return Promise.all(page.body.items.map((execution) => this.execution(execution.id)));
  }

  /**
   * Every child job of `jobId` (GET /v1/jobs/{id}/children, page after page of 100), in the order
   * they were started; `step` keeps one step's.
   */
  async children(jobId: string, step?: string): Promise<JobSummaryView[]> {
    const found: JobSummaryView[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ limit: '100' });
      if (step !== undefined) {
        query.set('step', step);
      }
      if (cursor !== null) {
        query.set('cursor', cursor);
      }
      const page: ApiResponse<{ items: JobSummaryView[]; nextCursor: string | null }> = await this.request(
        'GET',
        `/v1/jobs/${jobId}/children?${query.toString()}`,
      );
      if (page.status !== 200) {
        throw new Error(`children of ${jobId} answered ${page.status}: ${JSON.stringify(page.body)}`);
      }
      found.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    return found;
  }

  /** The ledger once it holds at least `count` occurrences. */
  async waitForOccurrences(jobId: string, count: number, timeoutMs = 30_000): Promise<OccurrenceView[]> {
    return waitFor(
      async () => {
        const ledger = await this.occurrences(jobId);
        return ledger.length >= count ? ledger : undefined;
      },
      { what: `${count} occurrences of ${jobId}`, timeoutMs },
    );
  }
}
