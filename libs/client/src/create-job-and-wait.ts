import type { CreateJobRequest, Execution, Job } from './api-types.js';
import type { MeridianClient } from './meridian-client.js';
import { pollUntil } from './polling.js';
import { unwrap } from './unwrap.js';
import { planOf, type WaitOptions, waitUntilEnded } from './wait-for-execution.js';
import { WaitTimeoutError } from './wait-timeout.error.js';

/** How `createJobAndWait` creates and waits; the timeout covers both. */
export interface CreateJobAndWaitOptions extends WaitOptions {
  /**
   * Sent as `Idempotency-Key`: a create retried with the same key and body answers the job the
   * first one made instead of making another.
   * @defaultValue none
   */
  idempotencyKey?: string;
}

/**
 * Creates a job (`POST /v1/jobs`) and waits for its first execution to end. A job that runs later
 * (`runAt`, `delayMs`, a schedule) is waited for too, within the same `timeoutMs`: a recurring
 * job's first execution exists only once its first occurrence comes. Answers the job as read after
 * the execution ended (its status is the execution's) and the execution with every attempt.
 * Rejects as `waitForExecution` does, and with a `MeridianApiError` when the create is refused.
 */
export async function createJobAndWait(
  client: MeridianClient,
  body: CreateJobRequest,
  options: CreateJobAndWaitOptions = {},
): Promise<{ job: Job; execution: Execution }> {
  const plan = planOf(options, true);
  const { idempotencyKey, signal } = options;
  const created = unwrap(
    await client.POST('/v1/jobs', {
      body,
      params: { header: idempotencyKey === undefined ? {} : { 'Idempotency-Key': idempotencyKey } },
      signal,
    }),
  );
  const readJob = async (abort?: AbortSignal) =>
    unwrap(await client.GET('/v1/jobs/{id}', { params: { path: { id: created.id } }, signal: abort }));
  let executionId = 'latestExecution' in created ? created.latestExecution?.id : undefined;
  if (executionId === undefined) {
    const job = await pollUntil(
      plan,
      readJob,
      (job) => job.latestExecution !== null && job.latestExecution !== undefined,
      (_last, lastFailure) =>
        new WaitTimeoutError(`the first execution of job ${created.id}`, plan.timeoutMs, undefined, lastFailure),
    );
    executionId = job.latestExecution!.id;
  }
  const execution = await waitUntilEnded(client, executionId, plan, options);
  return { job: await readJob(signal), execution };
}
