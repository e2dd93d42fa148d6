import { CHILD_FAILURE_POLICIES, MAX_CHILDREN_PER_CALL } from '@meridian/domain';
import { type ChildResult, defineHandler } from '@meridian/handler-sdk';
import { z } from 'zod';

/** The step under which fan-out starts its parts. */
export const FAN_OUT_STEP = 'parts';

const fanOutPayload = z
  .strictObject({
    /** The list to split. */
    items: z.array(z.json()),
    /** Items per part: each part is one child job. @defaultValue 100 */
    partSize: z.int().min(1).max(1_000_000).default(100),
    /** The handler each part runs with. */
    handler: z.string().min(1),
    /** Merged into each child's payload, beside its part. */
    payload: z.record(z.string(), z.json()).optional(),
    /**
     * The field of each child's payload that holds its part: `items` for a code handler that reads
     * them there, `body` for the http handler (each part is POSTed as the request body).
     * @defaultValue 'items'
     */
    partField: z.string().min(1).max(100).default('items'),
    /** What a failed part does to the fan-out (see ctx.children.start). @defaultValue 'fail_parent' */
    onChildFailure: z.enum(CHILD_FAILURE_POLICIES).optional(),
    /** The queue the parts run in. @defaultValue 'default' */
    queue: z.string().optional(),
    /** The parts' retry policy, as a create takes it. */
    retry: z.json().optional(),
  })
  .refine((payload) => Math.ceil(payload.items.length / payload.partSize) <= MAX_CHILDREN_PER_CALL, {
    message: `splits into more than ${MAX_CHILDREN_PER_CALL} parts; raise partSize`,
    path: ['partSize'],
  });

/** What a fan-out returns once its parts have ended: their results in order, and how many failed. */
export interface FanOutResult {
  parts: number;
  succeeded: number;
  failed: number;
  /** Each part's result, in order (null for one that did not succeed; left out under ignore_failed). */
  results: unknown[];
  /** The parts that did not succeed (under `partial`), with how they ended. */
  failures: { index: number; status: ChildResult['status']; error: unknown }[];
}

/**
 * Splits `items` into parts of `partSize`, runs `handler` on each part as a child job (payload
 * `{ ...payload, [partField]: part }`, `partField` being `items` unless given), waits for them without holding a worker slot, and returns their
 * results combined in order. The example of ctx.children: see README, "Writing a code handler".
 */
export const fanOutHandler = defineHandler(
  'fan-out',
  fanOutPayload,
  async (payload, context): Promise<FanOutResult> => {
    const parts: unknown[][] = [];
    for (let start = 0; start < payload.items.length; start += payload.partSize) {
      parts.push(payload.items.slice(start, start + payload.partSize));
    }
    if (parts.length === 0) {
      return { parts: 0, succeeded: 0, failed: 0, results: [], failures: [] };
    }
    const ended = context.children.results(FAN_OUT_STEP);
    if (ended === undefined) {
      return context.children.start(
        FAN_OUT_STEP,
        parts.map((part, index) => ({
          name: `fan-out part ${index}`,
          handler: payload.handler,
          payload: { ...payload.payload, [payload.partField]: part },
          ...(payload.queue === undefined ? {} : { queue: payload.queue }),
          ...(payload.retry === undefined ? {} : { retry: payload.retry }),
        })),
        { onChildFailure: payload.onChildFailure },
      );
    }
    const failures = ended
      .filter((child) => child.status !== 'SUCCEEDED')
      .map((child) => ({ index: child.index, status: child.status, error: child.error }));
    return {
      parts: parts.length,
      succeeded: ended.length - failures.length,
      failed: parts.length - (ended.length - failures.length),
      results: ended.map((child) => (child.status === 'SUCCEEDED' ? child.result : null)),
      failures,
    };
  },
);
