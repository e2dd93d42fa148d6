import { defineHandler } from '@meridian/handler-sdk';
import { z } from 'zod';

/** Does nothing and succeeds: for smoke tests and measuring the scheduler's own overhead. */
export const noopHandler = defineHandler('noop', z.json(), (payload) => Promise.resolve({ ok: true, echo: payload }));
