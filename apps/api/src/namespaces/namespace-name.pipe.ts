import { NAMESPACE_PATTERN, ValidationError } from '@meridian/domain';
import type { PipeTransform } from '@nestjs/common';

/** Checks a route's `:name` is a namespace name: a bad one is a 400, not a lookup. */
export class NamespaceNamePipe implements PipeTransform<string, string> {
  transform(name: string): string {
    if (!NAMESPACE_PATTERN.test(name)) {
      throw new ValidationError([
        { path: 'name', message: 'must be lower-case letters, digits or "-"', code: 'invalid_string' },
      ]);
    }
    return name;
  }
}
