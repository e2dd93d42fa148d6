import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

import { parseBody, parseQuery } from './parse-input.js';

export interface ZodValidationOptions {
  /**
   * A body of JSON `null` counts as no body, so that a schema's default applies to it as to an
   * empty request (routes whose body is optional).
   * @defaultValue false
   */
  nullIsAbsent?: boolean;
}

/**
 * Validates a request body (`@Body(new ZodValidationPipe(schema))`) or its query parameters
 * (`@Query(new ZodValidationPipe(schema))`) with a zod schema, before the route's method runs. What
 * is wrong is one ValidationError (400) naming every field at fault; query parameters are named
 * `query.<name>`.
 */
export class ZodValidationPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(
    private readonly schema: T,
    private readonly options: ZodValidationOptions = {},
  ) {}

  transform(value: unknown, metadata: ArgumentMetadata): z.infer<T> {
    if (metadata.type === 'query') {
      return parseQuery(this.schema, value);
    }
    return parseBody(this.schema, this.options.nullIsAbsent === true && value === null ? undefined : value);
  }
}
