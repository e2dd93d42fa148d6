import { InvariantViolationError, toFieldIssues, UnknownHandlerError, ValidationError } from '@meridian/domain';

import type { HandlerDefinition } from './define-handler.js';

/** The handlers a process knows, by name. Refuses to be built with a duplicate name. */
export class HandlerRegistry {
  private readonly byName = new Map<string, HandlerDefinition>();

  constructor(definitions: readonly HandlerDefinition[]) {
    for (const definition of definitions) {
      if (this.byName.has(definition.name)) {
        throw new InvariantViolationError(`handler "${definition.name}" is registered twice`);
      }
      this.byName.set(definition.name, definition);
    }
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  get(name: string): HandlerDefinition {
    const definition = this.byName.get(name);
    if (definition === undefined) {
      throw new UnknownHandlerError(name, this.names());
    }
    return definition;
  }

  /** Validates a payload for `handler`; field paths are reported under "payload". */
  parsePayload(handler: string, payload: unknown): unknown {
    const parsed = this.get(handler).schema.safeParse(payload);
    if (!parsed.success) {
      throw new ValidationError(toFieldIssues(parsed.error, 'payload'));
    }
    return parsed.data;
  }
}
