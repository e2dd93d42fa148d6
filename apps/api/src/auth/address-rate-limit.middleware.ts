import { DomainError } from '@meridian/domain';
import type { RequestHandler } from 'express';

import { problemFromError, sendProblem, setErrorHeaders } from '../common/problem.js';
import type { AddressRateLimiter } from './address-rate-limiter.js';
import { clientAddress } from './client-address.js';

/**
 * The first thing every request meets: the cap per client address (AddressRateLimiter). It runs
 * before Nest's routing, so it answers its 429 itself.
 */
export function addressRateLimit(limiter: AddressRateLimiter): RequestHandler {
  return (request, response, next) => {
    limiter.consume(clientAddress(request.ip)).then(
      () => next(),
      (error: unknown) => {
        if (!(error instanceof DomainError)) {
          next(error);
          return;
        }
        setErrorHeaders(response, error);
        sendProblem(response, problemFromError(error, request.originalUrl));
      },
    );
  };
}
