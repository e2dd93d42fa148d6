import type { Principal, Scope } from '@meridian/domain';
import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';

export const PUBLIC_ROUTE = 'meridian:public';
export const REQUIRED_SCOPE = 'meridian:scope';

/** A route anyone may call (health probes, the API description). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The scope a route needs. Without it, a GET needs `jobs:read` and any other method `jobs:write`.
 */
export const RequiresScope = (scope: Scope) => SetMetadata(REQUIRED_SCOPE, scope);

export type AuthenticatedRequest = Request & { principal?: Principal };

/** The principal the request authenticated as (set by ApiKeyMiddleware, checked by ApiKeyGuard). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (principal === undefined) {
    throw new Error('CurrentPrincipal used on a public route');
  }
  return principal;
});
