import type { HandlerDefinition } from '@meridian/handler-sdk';

import { createHttpHandler, type HttpHandlerOptions } from './http.handler.js';
import { noopHandler } from './noop.handler.js';
import { sleepHandler } from './sleep.handler.js';

/** The handlers every Meridian worker ships with. */
export function builtinHandlers(options: { http: HttpHandlerOptions }): HandlerDefinition[] {
  return [createHttpHandler(options.http), noopHandler, sleepHandler] as HandlerDefinition[];
}
