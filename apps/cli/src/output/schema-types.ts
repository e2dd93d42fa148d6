import type { components } from '@meridian/client';

/*
 * The document's named schemas the client does not name itself: a job or an execution as lists
 * and changes answer them, and the answers of a schedule's trigger and backfill.
 */
type Schemas = components['schemas'];
export type JobSummary = Schemas['JobSummary'];
export type ExecutionSummary = Schemas['ExecutionSummary'];
export type AttemptError = Schemas['AttemptError'];
export type Schedule = Schemas['Schedule'];
export type TriggerResult = Schemas['TriggerResult'];
export type BackfillResult = Schemas['BackfillResult'];
