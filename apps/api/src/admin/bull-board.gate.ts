import type { MeridianConfig } from '@meridian/config';
import {
  DomainError,
  InsufficientScopeError,
  isOperator,
  OPERATOR_HOLDERS,
  type Principal,
  QueuesReadOnlyError,
} from '@meridian/domain';
import { CONFIG } from '@meridian/runtime';
import { Inject, Injectable } from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { presentedKey } from '../auth/api-key.authenticator.js';
import { clientAddress } from '../auth/client-address.js';
import { RequestAuthenticator } from '../auth/request-authenticator.js';
import { problemFromError, sendProblem, setErrorHeaders } from '../common/problem.js';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Who may use Bull Board: operators only, their key sent as the password of HTTP basic
 * authentication (any user name) or as a bearer token. Logins go through the API's gate
 * (RequestAuthenticator): a failed one counts against the address's failed authentications, a good
 * one against the key's and the namespace's rate limits. While the board is read-only, every request
 * but GET and HEAD is refused here, whatever the board's own routes would make of it.
 */
@Injectable()
export class BullBoardGate {
  private readonly writable: boolean;

  constructor(
    private readonly requests: RequestAuthenticator,
    @Inject(CONFIG) config: MeridianConfig,
    @InjectPinoLogger(BullBoardGate.name) private readonly logger: PinoLogger,
  ) {
    this.writable = config.api.bullBoardWritable;
  }

  handler(): RequestHandler {
    return (request, response, next) => {
      const key = presentedKey(request.headers) ?? basicPassword(request.headers.authorization);
      this.requests.authenticate(clientAddress(request.ip), key).then(
        (principal) => {
          const refusal = this.refusal(principal, request);
          if (refusal === null) {
            next();
          } else {
            refuse(request, response, refusal);
          }
        },
        (error: unknown) => (error instanceof DomainError ? refuse(request, response, error) : next(error)),
      );
    };
  }

  private refusal(principal: Principal, request: Request): DomainError | null {
    if (!isOperator(principal)) {
      return new InsufficientScopeError('operator', OPERATOR_HOLDERS);
    }
    if (SAFE_METHODS.has(request.method)) {
      return null;
    }
    if (!this.writable) {
      return new QueuesReadOnlyError();
    }
    // Not in the audit log, which records the REST API's changes: at least the log says who.
    this.logger.warn(
      { keyId: principal.keyId, method: request.method, path: request.originalUrl },
      'queues changed through Bull Board',
    );
    return null;
  }
}

/** Answers a refused board request as a problem; a 401 also asks the browser for the key. */
function refuse(request: Request, response: Response, error: DomainError): void {
  const problem = problemFromError(error, request.originalUrl);
  if (problem.status === 401) {
    response.setHeader('WWW-Authenticate', 'Basic realm="Meridian queues", charset="UTF-8"');
  }
  setErrorHeaders(response, error);
  sendProblem(response, problem);
}

function basicPassword(authorization: string | undefined): string | null {
  if (authorization === undefined || !/^basic\s+/i.test(authorization)) {
    return null;
  }
  const decoded = Buffer.from(authorization.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}
