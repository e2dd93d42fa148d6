import { grants, InsufficientScopeError, type Scope, UnauthorizedError } from '@meridian/domain';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { ApiKeyAuthenticator, presentedKey } from './api-key.authenticator.js';
import { ApiRateLimiter } from './api-rate-limiter.js';
import { type AuthenticatedRequest, PUBLIC_ROUTE, REQUIRED_SCOPE } from './auth.decorators.js';

/**
 * Every route needs a key unless marked public: none, or one that stands for no active key, is a
 * 401; a key over its rate limit is a 429; a key without the route's scope is a 403. The principal is left on the request for the
 * controllers, which act in its namespace only.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly rateLimiter: ApiRateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) === true) {
      return true;
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = presentedKey(request.headers);
    if (key === null) {
      throw new UnauthorizedError('Send an API key: Authorization: Bearer <key>.');
    }
    const principal = await this.authenticator.authenticate(key);
    if (principal === null) {
      throw new UnauthorizedError('The API key is not valid, or has been revoked.');
    }
    const required =
      this.reflector.getAllAndOverride<Scope>(REQUIRED_SCOPE, targets) ??
      (request.method === 'GET' || request.method === 'HEAD' ? 'jobs:read' : 'jobs:write');
    await this.rateLimiter.consume(principal.keyId);
    if (!grants(principal.scopes, required)) {
      throw new InsufficientScopeError(required);
    }
    request.principal = principal;
    return true;
  }
}
