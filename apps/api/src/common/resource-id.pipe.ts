import { isUuid } from '@meridian/domain';
import type { PipeTransform } from '@nestjs/common';

/** The not-found error of a resource, made from the id the client asked for. */
export type NotFoundErrorClass = new (id: string) => Error;

/**
 * Checks a route's `:id` before anything looks it up: ids are UUIDs, so one that is not names no
 * resource, and answers the resource's own 404 (`@Param('id', new ResourceIdPipe(JobNotFoundError))`),
 * as a well-formed id that matches nothing does. Postgres is never asked about it.
 */
export class ResourceIdPipe implements PipeTransform<string, string> {
  constructor(private readonly notFound: NotFoundErrorClass) {}

  transform(id: string): string {
    if (!isUuid(id)) {
      throw new this.notFound(id);
    }
    return id;
  }
}
