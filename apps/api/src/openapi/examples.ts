/**
 * Example values of the document's main schemas, as the API takes and answers them. A test checks
 * each against its schema, so an example cannot drift from what it illustrates.
 */

const JOB_ID = '0b6f1f52-3c3e-4c55-9b1e-1f1f6e0c2a41';
const EXECUTION_ID = '6d3c2c3e-8a4f-4f0e-9f0e-2b8f6b1d7c10';
const CREATED_AT = '2026-03-02T09:30:00.000Z';

export const createJobRequestExample = {
  name: 'send welcome email',
  handler: 'http',
  payload: { url: 'https://hooks.example.com/welcome', method: 'POST', body: { userId: 42 } },
  retry: { maxAttempts: 5, backoff: { type: 'exponential', delayMs: 1000, maxDelayMs: 60_000 } },
  timeoutMs: 30_000,
};

export const createRecurringJobRequestExample = {
  name: 'nightly report',
  handler: 'http',
  payload: { url: 'https://reports.example.com/run', method: 'POST' },
  schedule: { cron: '0 2 * * *', timezone: 'Europe/Paris' },
  overlap: 'skip',
};

export const executionSummaryExample = {
  id: EXECUTION_ID,
  jobId: JOB_ID,
  status: 'RETRYING',
  attempt: 1,
  scheduledFor: CREATED_AT,
  nominalTime: null,
  queuedAt: '2026-03-02T09:30:00.120Z',
  startedAt: '2026-03-02T09:30:00.180Z',
  finishedAt: null,
  nextAttemptAt: '2026-03-02T09:30:01.420Z',
  workerId: 'worker-7f9c:4121',
  result: null,
  lastError: {
    code: 'http_status',
    message: 'POST https://hooks.example.com/welcome answered 503',
    details: { status: 503 },
  },
  parkedAt: null,
  createdAt: CREATED_AT,
  updatedAt: '2026-03-02T09:30:00.410Z',
};

export const attemptExample = {
  attempt: 1,
  outcome: 'FAILED',
  workerId: 'worker-7f9c:4121',
  startedAt: '2026-03-02T09:30:00.180Z',
  finishedAt: '2026-03-02T09:30:00.410Z',
  durationMs: 230,
  error: executionSummaryExample.lastError,
  retryDelayMs: 1010,
};

export const executionExample = { ...executionSummaryExample, attempts: [attemptExample], attemptsNextCursor: null };

export const jobExample = {
  id: JOB_ID,
  name: 'send welcome email',
  handler: 'http',
  status: 'RETRYING',
  queue: 'default',
  priority: 0,
  payload: createJobRequestExample.payload,
  runAt: null,
  timeoutMs: 30_000,
  retry: { maxAttempts: 5, backoff: { type: 'exponential', delayMs: 1000, maxDelayMs: 60_000, jitter: 0.2 } },
  idempotencyKey: null,
  createdAt: CREATED_AT,
  updatedAt: CREATED_AT,
  schedule: null,
  parent: null,
  latestExecution: executionSummaryExample,
};

export const createWorkflowRequestExample = {
  name: 'import then index',
  failurePolicy: 'skip',
  jobs: [
    { key: 'import', name: 'import catalogue', handler: 'http', payload: { url: 'https://etl.example.com/import' } },
    {
      key: 'index',
      name: 'rebuild search index',
      handler: 'http',
      payload: { url: 'https://etl.example.com/index' },
      dependsOn: ['import'],
    },
  ],
};

export const problemExample = {
  type: '/problems/validation-failed',
  title: 'Validation failed',
  status: 400,
  detail: 'The request is invalid.',
  code: 'validation_failed',
  instance: '/v1/jobs',
  errors: [{ path: 'handler', message: 'must be a handler name such as "http" or "noop"', code: 'invalid_format' }],
};
