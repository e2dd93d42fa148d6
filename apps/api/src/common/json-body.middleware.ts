import {
  MalformedJsonError,
  MAX_PAYLOAD_DEPTH,
  nestingDepth,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '@meridian/domain';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

import { problemFromError, sendProblem } from './problem.js';

/** Deepest request body: a job's payload may nest MAX_PAYLOAD_DEPTH levels, inside a workflow's. */
const MAX_BODY_DEPTH = MAX_PAYLOAD_DEPTH + 8;

/**
 * Parses JSON bodies. Errors are answered here as problems, because body parsing runs before Nest's
 * exception filters can see the request: malformed JSON is a 400, an oversized body a 413, a body
 * nested too deeply a 400, and a body that is not JSON a 415.
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
        // Measured without recursion, so no body can exhaust the stack of what validates it next.
        if (nestingDepth(request.body) > MAX_BODY_DEPTH) {
          const tooDeep = new ValidationError([
            { path: '(root)', message: `must not be nested more than ${MAX_BODY_DEPTH} levels deep`, code: 'too_big' },
          ]);
          sendProblem(response, problemFromError(tooDeep, request.originalUrl));
          return;
        }
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
