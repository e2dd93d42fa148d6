import { setTimeout as sleep } from 'node:timers/promises';

import {
  type Job,
  MeridianApiError,
  type MeridianClient,
  unwrap,
  waitForExecution,
  WaitTimeoutError,
} from '@meridian/client';
import type { Command } from 'commander';

import { type CliRuntime, CommandContext } from '../command-context.js';
import { formatInstant } from '../output/time-format.js';
import { type FollowOptions, narrateTo, requireSucceeded, withFollowOptions } from './follow-execution.js';

/**
 * `meridian watch <job>`: follows the job's latest execution live, each attempt's outcome and each
 * change of status as it happens, until it ends: exit 0 when it SUCCEEDED, 7 otherwise.
 */
export function registerWatchCommand(program: Command, runtime: CliRuntime): void {
  withFollowOptions(
    program
      .command('watch')
      .description(
        "follow a job's latest execution (or an execution by its id) live until it ends; exit 0 if it succeeded, 7 if not",
      )
      .argument('<job>', 'the job id, or an execution id'),
    '--timeout',
  ).action(async (id: string, options: FollowOptions, command: Command) => {
    const { client, output, signal } = new CommandContext(runtime, command);
    const deadline = Date.now() + options.timeout;
    const executionId = await executionToWatch(client, id, options, signal, (note) => output.note(note));
    const execution = await waitForExecution(client, executionId, {
      timeoutMs: Math.max(1, deadline - Date.now()),
      intervalMs: options.interval,
      signal,
      onChange: narrateTo(output),
    });
    requireSucceeded(execution);
  });
}

/**
 * The execution `id` names: the latest of the job of that id, waited for while a recurring job has
 * had no occurrence yet; else, when no job has that id, the execution of that id.
 */
async function executionToWatch(
  client: MeridianClient,
  id: string,
  options: FollowOptions,
  signal: AbortSignal,
  note: (text: string) => void,
): Promise<string> {
  const readJob = async () => unwrap(await client.GET('/v1/jobs/{id}', { params: { path: { id } }, signal }));
  let job: Job;
  try {
    job = await readJob();
  } catch (error) {
    if (!(error instanceof MeridianApiError && error.code === 'job_not_found')) {
      throw error;
    }
    try {
      const execution = unwrap(await client.GET('/v1/executions/{id}', { params: { path: { id } }, signal }));
      return execution.id;
    } catch {
      // Neither a job nor an execution: the job's 404 says what was looked for first.
      throw error;
    }
  }
  if (job.latestExecution === null) {
    note(`Job ${job.id} has not run yet; waiting for its next run at ${formatInstant(job.schedule?.nextRunAt)}.`);
  }
  const deadline = Date.now() + options.timeout;
  while (job.latestExecution === null && Date.now() < deadline) {
    await sleep(options.interval, undefined, { signal });
    job = await readJob();
  }
  if (job.latestExecution === null) {
    throw new WaitTimeoutError(`the first execution of job ${job.id}`, options.timeout, undefined);
  }
  return job.latestExecution.id;
}
