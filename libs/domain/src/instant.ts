import { z } from 'zod';

/** Earliest instant a request may name: before it, no job, schedule or pause has any meaning. */
export const MIN_INSTANT = '1970-01-01T00:00:00.000Z';
/** Latest instant a request may name: the last one ISO 8601's four-digit years can write in UTC. */
export const MAX_INSTANT = '9999-12-31T23:59:59.999Z';

const MIN_MS = Date.parse(MIN_INSTANT);
const MAX_MS = Date.parse(MAX_INSTANT);

/**
 * An instant in a request (`runAt`, a schedule's `startAt` and `endAt`, a pause's `until`, a
 * backfill's range): ISO 8601 with `Z` or an offset, within [MIN_INSTANT, MAX_INSTANT]. Postgres has
 * no year 0, and an offset can carry the year 9999 past where ISO 8601 reads back, so the bounds
 * are checked on the instant itself, not on the text.
 */
export const instantSchema = z.iso.datetime({ offset: true }).pipe(
  // A pipe, so that text that is no ISO 8601 instant at all gets one issue, not two.
  z.string().refine(
    (text) => {
      const ms = Date.parse(text);
      return ms >= MIN_MS && ms <= MAX_MS;
    },
    { message: `must be an instant from ${MIN_INSTANT} to ${MAX_INSTANT}` },
  ),
);
