import type { ExecutionRecord, JobRecord } from '@meridian/db';
import { applyDecorators } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Response } from 'express';

import { applyReturnPreference, type ReturnPreference } from '../common/prefer.js';
import { type JobView, type MinimalJobView, toJobView, toMinimalJobView } from './dto/job.view.js';

/**
 * Marks the answer of a create (single or batch): `201`, `Idempotent-Replayed: true` for a replay,
 * and the client's `return` preference (see applyReturnPreference), which it returns.
 */
export function answerCreated(response: Response, prefer: string | undefined, replayed: boolean): ReturnPreference {
  response.status(201);
  if (replayed) {
    response.setHeader('Idempotent-Replayed', 'true');
  }
  return applyReturnPreference(prefer, response);
}

/** A created job as the client prefers it: the whole job with its first execution, or its id and status. */
export function presentCreated(
  job: JobRecord,
  execution: ExecutionRecord | null,
  preference: ReturnPreference,
): JobView | MinimalJobView {
  return preference === 'minimal' ? toMinimalJobView(job) : toJobView(job, execution);
}

/** The headers of a create's `201` in the OpenAPI document. */
export const CREATED_HEADERS = {
  'Idempotent-Replayed': {
    description: '`true` when an earlier request with the same key made it',
    schema: { type: 'string' },
  },
  'Preference-Applied': {
    description: '`return=minimal` or `return=representation`, as honoured',
    schema: { type: 'string' },
  },
  Vary: { description: '`Prefer`: the answer depends on it', schema: { type: 'string' } },
};

/** The request headers a create takes, in the OpenAPI document. */
export function CreateHeaders(idempotency: string): MethodDecorator {
  return applyDecorators(
    ApiHeader({ name: 'Idempotency-Key', required: false, description: idempotency }),
    ApiHeader({
      name: 'Prefer',
      required: false,
      description:
        'RFC 7240. `return=minimal` answers with `{"id","status"}` per job; `return=representation` (the default) ' +
        'with the whole job. Other preferences are ignored.',
      schema: { type: 'string', example: 'return=minimal' },
    }),
  );
}
