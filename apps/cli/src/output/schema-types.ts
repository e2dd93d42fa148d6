import type { components } from '@meridian/client';

/*
 * The document's named schemas the client does not name itself: an attempt's error, and the
 * answers of a schedule's trigger and backfill.
 */
type Schemas = components['schemas'];
export type AttemptError = Schemas['AttemptError'];
export type TriggerResult = Schemas['TriggerResult'];
export type BackfillResult = Schemas['BackfillResult'];
