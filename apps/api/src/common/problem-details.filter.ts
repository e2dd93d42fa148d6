import { isDatabaseUnavailable } from '@meridian/db';
import {
  DatabaseUnavailableError,
  DomainError,
  InvariantViolationError,
  PayloadTooLargeError,
  RouteNotFoundError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '@meridian/domain';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

import { RefusalAudit } from '../audit/refusal-audit.js';
import { problemFromError, sendProblem, setErrorHeaders } from './problem.js';

/**
 * When a client should try again after Postgres failed it: long enough for a restart or a failover
 * to finish, short enough that clients come back soon after.
 */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Every error leaves the API as application/problem+json. Domain errors carry their code; Nest's
 * own HTTP exceptions (unknown route, ...) are translated; anything else is a 500 that is logged
 * with its stack and shown to the client without internals.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(
    private readonly refusals: RefusalAudit,
    @InjectPinoLogger(ProblemDetailsFilter.name) private readonly logger: PinoLogger,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const error = this.toDomainError(exception);
    const problem = problemFromError(error, request.originalUrl);
    if (error instanceof DatabaseUnavailableError) {
      // Every request fails alike during an outage: one line each, without the driver's stack.
      this.logger.warn({ path: request.originalUrl, cause: causeMessage(exception) }, 'database unavailable');
    } else if (problem.status >= 500) {
      this.logger.error({ err: exception, path: request.originalUrl }, 'request failed');
    }
    if (problem.status === 401) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="meridian"');
    }
    setErrorHeaders(response, error);
    this.refusals.recordRefusal(request, problem.status, problem.code);
    sendProblem(response, problem);
  }

  private toDomainError(exception: unknown): DomainError {
    // Before the domain errors: a service may have wrapped the driver's error as an invariant's cause.
    if (!(exception instanceof DatabaseUnavailableError) && isDatabaseUnavailable(exception)) {
      return new DatabaseUnavailableError(DATABASE_RETRY_AFTER_SECONDS, { cause: exception });
    }
    if (exception instanceof DomainError) {
      return exception;
    }
    if (exception instanceof HttpException) {
      return fromHttpException(exception);
    }
    return new InvariantViolationError('unhandled error', { cause: exception });
  }
}

/** Maps errors raised by body parsing and Nest's router to domain errors. */
export function fromHttpException(exception: HttpException): DomainError {
  switch (exception.getStatus()) {
    case 404:
      return new RouteNotFoundError('No route matches this method and path.');
    case 413:
      return new PayloadTooLargeError(0);
    case 415:
      return new UnsupportedMediaTypeError('Send the request body as application/json.');
    case 400:
      return new ValidationError([], exception.message);
    default:
      return new InvariantViolationError(`${exception.getStatus()}: ${exception.message}`);
  }
}

function causeMessage(exception: unknown): string {
  return exception instanceof Error ? exception.message : String(exception);
}
