import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';

import { presentedKey } from './api-key.authenticator.js';
import type { AuthenticatedRequest } from './auth.decorators.js';
import { clientAddress } from './client-address.js';
import { RequestAuthenticator } from './request-authenticator.js';

/**
 * Authenticates every request to the REST API (`/v1/…`) before its body is parsed, so that a request
 * without a valid key costs no parsing, and leaves the principal on the request. Its errors (401,
 * 429) reach the ProblemDetailsFilter as any route's do. Scopes are checked later, by ApiKeyGuard,
 * which knows the route.
 */
@Injectable()
export class ApiKeyMiddleware implements NestMiddleware {
  constructor(private readonly requests: RequestAuthenticator) {}

  async use(request: AuthenticatedRequest, _response: Response, next: NextFunction): Promise<void> {
    request.principal = await this.requests.authenticate(clientAddress(request.ip), presentedKey(request.headers));
    next();
  }
}
