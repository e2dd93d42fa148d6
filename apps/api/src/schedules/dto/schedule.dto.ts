import { scheduleRequestSchema } from '@meridian/schedule';
import { z } from 'zod';

/**
 * The `schedule` of a recurring job as the OpenAPI document shows it: exactly one of `cron`,
 * `every` or `everyMs`, each with the fields they share. Built from the fields of
 * scheduleRequestSchema, which validates a schedule (its refinements say "exactly one"; JSON Schema
 * says it with `oneOf` over closed objects).
 */
const { cron, timezone, dst, every, everyMs, ...shared } = scheduleRequestSchema.shape;

export const cronScheduleSchema = z
  .strictObject({ cron: cron.unwrap(), timezone, dst, ...shared })
  .describe('Runs at the times a cron expression names, in a time zone');

export const everyScheduleSchema = z
  .strictObject({ every: every.unwrap(), ...shared })
  .describe('Runs at a fixed interval written as a duration');

export const everyMsScheduleSchema = z
  .strictObject({ everyMs: everyMs.unwrap().describe('Fixed interval in milliseconds, 1 s to 366 days'), ...shared })
  .describe('Runs at a fixed interval in milliseconds');

export const scheduleSchema = z
  .xor([cronScheduleSchema, everyScheduleSchema, everyMsScheduleSchema])
  .describe('Makes a job recurring: a cron expression, or a fixed interval (`every` or `everyMs`)');

/** A schedule as a job stores and shows it: as it was given, once scheduleRequestSchema accepted it. */
export type ScheduleDefinition = z.infer<typeof scheduleSchema>;
