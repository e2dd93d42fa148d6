import type { CreateJobRequest } from '@meridian/client';

import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';

/** The flags of `jobs create` that make its body; each is optional, the API says what is missing. */
export interface JobRequestFlags {
  name?: string;
  handler?: string;
  payload?: unknown;
  queue?: string;
  priority?: number;
  delay?: number;
  runAt?: string;
  cron?: string;
  every?: string;
  timezone?: string;
  maxAttempts?: number;
  backoff?: number;
  backoffType?: 'exponential' | 'fixed';
  attemptTimeout?: number;
}

type JsonObject = Record<string, unknown>;

/**
 * The body of `POST /v1/jobs`: the `-f` file's object, if any, with each flag given set over it
 * (flags win; `--max-attempts` and `--backoff` change only their field of the file's `retry`).
 * Only the shape is checked here; the API validates the values and names each bad field.
 */
export function jobRequestOf(flags: JobRequestFlags, file?: unknown): CreateJobRequest {
  if (file !== undefined && !isObject(file)) {
    throw new CliError(ExitCode.Usage, ['the job file must hold a JSON object: the body of POST /v1/jobs.']);
  }
  const body: JsonObject = { ...file };
  setDefined(body, {
    name: flags.name,
    handler: flags.handler,
    payload: flags.payload,
    queue: flags.queue,
    priority: flags.priority,
    delayMs: flags.delay,
    runAt: flags.runAt,
    timeoutMs: flags.attemptTimeout,
  });
  const retry = retryOf(flags, body.retry);
  if (retry !== undefined) {
    body.retry = retry;
  }
  const schedule = scheduleOf(flags, body.schedule);
  if (schedule !== undefined) {
    body.schedule = schedule;
  }
  return body as CreateJobRequest;
}

function retryOf(flags: JobRequestFlags, fromFile: unknown): JsonObject | undefined {
  if (flags.maxAttempts === undefined && flags.backoff === undefined && flags.backoffType === undefined) {
    return undefined;
  }
  const retry: JsonObject = isObject(fromFile) ? { ...fromFile } : {};
  setDefined(retry, { maxAttempts: flags.maxAttempts });
  if (flags.backoff !== undefined || flags.backoffType !== undefined) {
    const backoff: JsonObject = isObject(retry.backoff) ? { ...retry.backoff } : {};
    setDefined(backoff, { delayMs: flags.backoff, type: flags.backoffType });
    retry.backoff = backoff;
  }
  return retry;
}

function scheduleOf(flags: JobRequestFlags, fromFile: unknown): JsonObject | undefined {
  if (flags.cron !== undefined) {
    return flags.timezone === undefined ? { cron: flags.cron } : { cron: flags.cron, timezone: flags.timezone };
  }
  if (flags.every !== undefined) {
    if (flags.timezone !== undefined) {
      throw new CliError(ExitCode.Usage, ['--timezone goes with --cron: an --every interval has no time zone.']);
    }
    return { every: flags.every };
  }
  if (flags.timezone !== undefined) {
    if (!isObject(fromFile) || typeof fromFile.cron !== 'string') {
      throw new CliError(ExitCode.Usage, ['--timezone goes with --cron (or a cron schedule in the -f file).']);
    }
    return { ...fromFile, timezone: flags.timezone };
  }
  return undefined;
}

function setDefined(target: JsonObject, values: JsonObject): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) {
      target[key] = value;
    }
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
