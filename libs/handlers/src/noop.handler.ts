import { defineHandler } from '@meridian/handler-sdk';
import { z } from 'zod';

/**
 * Does nothing and succeeds: for smoke tests and measuring the scheduler's own overhead. A job with
 * dependencies also gets its parents' results back, so a workflow's data flow can be seen.
 */
export const noopHandler = defineHandler('noop', z.json(), (payload, context) =>
  Promise.resolve(
    Object.keys(context.parents).length === 0
      ? { ok: true, echo: payload }
      : { ok: true, echo: payload, parents: context.parents },
  ),
);
