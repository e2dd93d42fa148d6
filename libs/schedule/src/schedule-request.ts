import { instantSchema, toFieldIssues, ValidationError } from '@meridian/domain';
import { z } from 'zod';

import { parseCron } from './cron-expression.js';
import { parseDuration } from './interval.js';
import { DEFAULT_DST_POLICY, type Schedule } from './schedule.js';
import { isValidTimeZone } from './time-zone.js';

const MIN_INTERVAL_MS = 1000;
/** A year and a day: longer intervals are better said with cron, and far ones overflow a date. */
const MAX_INTERVAL_MS = 366 * 86_400_000;

/** The `schedule` object of a recurring job, as a client sends it. */
export const scheduleRequestSchema = z
  .strictObject({
    cron: z.string().min(1).max(200).optional().describe('5 fields, or 6 with seconds first'),
    timezone: z.string().min(1).max(64).optional().describe('IANA zone of the cron expression; default UTC'),
    every: z.string().min(2).max(32).optional().describe('Fixed interval: "90s", "15m", "1h30m", "2d"'),
    everyMs: z.int().min(MIN_INTERVAL_MS).max(MAX_INTERVAL_MS).optional(),
    startAt: instantSchema.optional(),
    endAt: instantSchema.optional(),
    limit: z.int().min(1).max(1_000_000_000).optional().describe('Occurrences in all'),
    jitterMs: z.int().min(0).max(3_600_000).default(0).describe('Random delay added to each run'),
    dst: z
      .strictObject({
        ambiguous: z.enum(['first', 'both']).default(DEFAULT_DST_POLICY.ambiguous),
        nonexistent: z.enum(['shift', 'skip']).default(DEFAULT_DST_POLICY.nonexistent),
      })
      .optional(),
  })
  .superRefine((body, ctx) => {
    const kinds = [body.cron, body.every, body.everyMs].filter((value) => value !== undefined).length;
    if (kinds !== 1) {
      ctx.addIssue({ code: 'custom', path: ['cron'], message: 'give exactly one of cron, every or everyMs' });
    }
    if (body.cron === undefined && (body.timezone !== undefined || body.dst !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: 'timezone and dst apply to cron schedules only' });
    }
    if (body.timezone !== undefined && !isValidTimeZone(body.timezone)) {
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: `unknown IANA time zone "${body.timezone}"` });
    }
    if (body.cron !== undefined) {
      const cron = parseCron(body.cron);
      if ('error' in cron) {
        ctx.addIssue({ code: 'custom', path: ['cron'], message: `invalid cron expression: ${cron.error}` });
      }
    }
    if (body.every !== undefined) {
      const ms = parseDuration(body.every);
      if (ms === null || ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) {
        ctx.addIssue({ code: 'custom', path: ['every'], message: 'must be a duration from 1s to 366d, like "15m"' });
      }
    }
    if (body.startAt !== undefined && body.endAt !== undefined && Date.parse(body.endAt) <= Date.parse(body.startAt)) {
      ctx.addIssue({ code: 'custom', path: ['endAt'], message: 'must be after startAt' });
    }
  });

export type ScheduleRequest = z.input<typeof scheduleRequestSchema>;

export interface ParsedSchedule {
  schedule: Schedule;
  jitterMs: number;
}

/** Validates a schedule request (field paths under `prefix`) and builds the schedule it describes. */
export function parseSchedule(body: unknown, prefix = 'schedule'): ParsedSchedule {
  const parsed = scheduleRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError(toFieldIssues(parsed.error, prefix));
  }
  const request = parsed.data;
  const bounds = {
    startAt: request.startAt === undefined ? null : new Date(request.startAt),
    endAt: request.endAt === undefined ? null : new Date(request.endAt),
    limit: request.limit ?? null,
  };
  if (request.cron !== undefined) {
    const cron = parseCron(request.cron);
    if ('error' in cron) {
      throw new ValidationError([{ path: `${prefix}.cron`, message: cron.error, code: 'custom' }]);
    }
    return {
      jitterMs: request.jitterMs,
      schedule: {
        kind: 'cron',
        cron,
        timeZone: request.timezone ?? 'UTC',
        dst: request.dst ?? DEFAULT_DST_POLICY,
        ...bounds,
      },
    };
  }
  const everyMs = request.everyMs ?? parseDuration(request.every ?? '') ?? MIN_INTERVAL_MS;
  return { jitterMs: request.jitterMs, schedule: { kind: 'every', everyMs, ...bounds } };
}
