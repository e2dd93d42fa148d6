import type { HandlerDefinition } from '@meridian/handler-sdk';

import { fanOutHandler } from './fan-out.handler.js';
import { createHttpHandler, type HttpHandlerOptions } from './http.handler.js';
import { noopHandler } from './noop.handler.js';
import { sleepHandler } from './sleep.handler.js';

/** The handlers every Meridian worker ships with. */
export function builtinHandlers(options: { http: HttpHandlerOptions }): HandlerDefinition[] {
  return [createHttpHandler(options.http), noopHandler, sleepHandler, fanOutHandler] as HandlerDefinition[];
}
