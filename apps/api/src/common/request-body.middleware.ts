import type { MeridianConfig } from '@meridian/config';
import { CONFIG } from '@meridian/runtime';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

import { jsonBody } from './json-body.middleware.js';

/** Routes whose bodies carry many jobs. */
const BATCH_ROUTES = new Set(['/v1/jobs/batch', '/v1/workflows']);

/**
 * Parses the JSON body of a REST API request, once ApiKeyMiddleware has let it in: a request without
 * a valid key is never parsed. Routes that take up to 1,000 jobs at once get a larger limit.
 */
@Injectable()
export class RequestBodyMiddleware implements NestMiddleware {
  private readonly batchBody: RequestHandler;
  private readonly body: RequestHandler;

  constructor(@Inject(CONFIG) config: MeridianConfig) {
    this.batchBody = jsonBody(config.api.maxBatchBodyBytes);
    this.body = jsonBody(config.api.maxBodyBytes);
  }

  use(request: Request, response: Response, next: NextFunction): void {
    // Mounted under a path, `request.path` is relative to it; the original URL is whole.
    const path = request.originalUrl.split('?', 1)[0] ?? '';
    void (BATCH_ROUTES.has(path) ? this.batchBody : this.body)(request, response, next);
  }
}
