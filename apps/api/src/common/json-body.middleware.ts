import { MalformedJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from '@meridian/domain';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

import { problemFromError, sendProblem } from './problem.js';

/**
 * Parses JSON bodies. Errors are answered here as problems, because body parsing runs before Nest's
 * exception filters can see the request: malformed JSON is a 400, an oversized body a 413, and a
 * body that is not JSON a 415.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  const parse = express.json({ limit: limitBytes, strict: false, type: () => true });
  return (request: Request, response: Response, next: NextFunction) => {
    if (!hasBody(request)) {
      next();
      return;
    }
    if (!request.is(['application/json', 'application/*+json'])) {
      sendProblem(
        response,
        problemFromError(
          new UnsupportedMediaTypeError('Send the request body as application/json.'),
          request.originalUrl,
        ),
      );
      return;
    }
    parse(request, response, (error?: unknown) => {
      if (error === undefined || error === null) {
        next();
        return;
      }
      const type = (error as { type?: string }).type;
      const failure =
        type === 'entity.too.large'
          ? new PayloadTooLargeError(limitBytes)
          : new MalformedJsonError(`The request body is not valid JSON: ${(error as Error).message}`);
      sendProblem(response, problemFromError(failure, request.originalUrl));
    });
  };
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
