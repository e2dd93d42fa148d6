import { readFile } from 'node:fs/promises';

import { parseDuration } from '@meridian/schedule';
import { InvalidArgumentError } from 'commander';

import { CliError } from './cli-error.js';
import { ExitCode } from './exit-codes.js';

/*
 * Parsers of option values, for commander's `argParser`: each answers the value the API takes or
 * throws an InvalidArgumentError, which commander reports as a usage error naming the option.
 */

/**
 * A duration in milliseconds: the API's own interval syntax (`500ms`, `90s`, `15m`, `1h30m`, `2d`,
 * the one `schedule.every` takes), or a bare number of milliseconds.
 */
export function parseDurationMs(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed);
  }
  const ms = parseDuration(trimmed);
  if (ms === null) {
    throw new InvalidArgumentError('expected a duration such as 500ms, 90s, 15m, 1h30m or 2d, or milliseconds.');
  }
  return ms;
}

/** Any JSON value, as `--payload '{"ms": 10}'` gives it. */
export function parseJsonValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidArgumentError(`expected JSON (${(error as Error).message}).`);
  }
}

/** A whole number of at least 1, for counts, limits and attempts; the API checks the upper bound. */
export function parsePositiveInteger(text: string): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1) {
    throw new InvalidArgumentError('expected a whole number of at least 1.');
  }
  return Number(trimmed);
}

const RELATIVE_INSTANT = /^now(?:([+-])(.+))?$/;

/**
 * An instant as the API takes it (ISO 8601, in UTC): an ISO 8601 date-time, `now`, or `now` plus or
 * minus a duration (`now-3h`, `now+10m`), so that a backfill's range can be written without a clock.
 */
export function parseInstant(text: string, now: () => Date = () => new Date()): string {
  const trimmed = text.trim();
  const relative = RELATIVE_INSTANT.exec(trimmed);
  if (relative !== null) {
    const [, sign, duration] = relative;
    const offsetMs = sign === undefined || duration === undefined ? 0 : parseOffset(duration);
    return new Date(now().getTime() + (sign === '-' ? -offsetMs : offsetMs)).toISOString();
  }
  // Date.parse takes many shapes; only a date with a time is an instant the API will accept.
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError('expected an ISO 8601 date-time (2026-03-02T09:30:00Z), now, or now-3h / now+10m.');
  }
  return new Date(ms).toISOString();
}

function parseOffset(duration: string): number {
  const ms = parseDuration(duration);
  if (ms === null) {
    throw new InvalidArgumentError(`"${duration}" is not a duration such as 90s, 15m or 3h.`);
  }
  return ms;
}

/**
 * The JSON in a file (`-` reads stdin), for `-f` bodies. A file that cannot be read or is not JSON
 * is a usage error: the request was never sent.
 */
export async function readJsonFile(path: string, readStdin: () => Promise<string> = readAllStdin): Promise<unknown> {
  let text: string;
  try {
    text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(ExitCode.Usage, [`cannot read ${path}: ${(error as Error).message}`]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(ExitCode.Usage, [`${path} is not JSON: ${(error as Error).message}`]);
  }
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
