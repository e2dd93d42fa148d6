import { setTimeout as delay } from 'node:timers/promises';

import { defineHandler, HandlerError } from '@meridian/handler-sdk';
import { z } from 'zod';

const sleepPayload = z.strictObject({
  /** How long to sleep. */
  ms: z.int().min(0).max(86_400_000),
  /** Fail (retryably) instead of succeeding when the sleep ends: for demos of retries. */
  fail: z.boolean().default(false),
});

/** Sleeps for `ms`, honouring the abort signal: for demos, timeouts and cancellation tests. */
export const sleepHandler = defineHandler('sleep', sleepPayload, async (payload, context) => {
  await delay(payload.ms, undefined, { signal: context.signal });
  if (payload.fail) {
    throw new HandlerError(`slept ${payload.ms} ms and failed as asked`, { retryable: true });
  }
  return { sleptMs: payload.ms };
});
