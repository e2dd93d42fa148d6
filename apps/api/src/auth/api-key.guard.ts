import { authorizes, InsufficientScopeError, OPERATOR_HOLDERS, type Scope, UnauthorizedError } from '@meridian/domain';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { type AuthenticatedRequest, PUBLIC_ROUTE, REQUIRED_SCOPE } from './auth.decorators.js';

/**
 * Every route needs a key unless marked public. The key was checked, and counted against its rate
 * limits, by ApiKeyMiddleware before the body was read; here the route is known, so this checks its
 * scope: a key without it is a 403. `operator` routes also need the key to be of namespace `default`.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) === true) {
      return true;
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = request.principal;
    if (principal === undefined) {
      // A route outside /v1 that is not public: the middleware did not see it, so it has no key.
      throw new UnauthorizedError('Send an API key: Authorization: Bearer <key>.');
    }
    const required =
      this.reflector.getAllAndOverride<Scope>(REQUIRED_SCOPE, targets) ??
      (request.method === 'GET' || request.method === 'HEAD' ? 'jobs:read' : 'jobs:write');
    if (!authorizes(principal, required)) {
      throw new InsufficientScopeError(required, required === 'operator' ? OPERATOR_HOLDERS : undefined);
    }
    return true;
  }
}
