import { describe, expect, it } from '@jest/globals';
import { JobNotFoundError } from '@meridian/domain';
import type { ArgumentsHost } from '@nestjs/common';
import type { PinoLogger } from 'nestjs-pino';

import type { RefusalAudit } from '../audit/refusal-audit.js';
import { DATABASE_RETRY_AFTER_SECONDS, ProblemDetailsFilter } from './problem-details.filter.js';

interface Answer {
  status?: number;
  contentType?: string;
  headers: Record<string, string>;
  body?: Record<string, unknown>;
}

const silent = { warn: () => undefined, error: () => undefined };
const noRefusals = { recordRefusal: () => undefined };

/** What the filter answers to `exception` thrown while serving POST /v1/jobs. */
function answerTo(exception: unknown): Answer {
  const sut = new ProblemDetailsFilter(noRefusals as unknown as RefusalAudit, silent as unknown as PinoLogger);
  const answer: Answer = { headers: {} };
  const response = {
    setHeader: (name: string, value: string) => {
      answer.headers[name] = value;
    },
    status(status: number) {
      answer.status = status;
      return this;
    },
    type(contentType: string) {
      answer.contentType = contentType;
      return this;
    },
    send(body: string) {
      answer.body = JSON.parse(body) as Record<string, unknown>;
      return this;
    },
  };
  const host = {
    switchToHttp: () => ({ getRequest: () => ({ originalUrl: '/v1/jobs' }), getResponse: () => response }),
  } as unknown as ArgumentsHost;
  sut.catch(exception, host);
  return answer;
}

describe(ProblemDetailsFilter.name, () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a connection lost under a query', new Error('Connection terminated unexpectedly')],
    ['the pool waiting too long', new Error('timeout exceeded when trying to connect')],
    [
      "Prisma's unreachable server",
      Object.assign(new Error("Can't reach database server"), {
        code: 'P1001',
        meta: { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } },
      }),
    ],
    ['a server shutting down', Object.assign(new Error('terminating connection'), { code: '57P01' })],
  ])('should answer %s with 503 database_unavailable and Retry-After', (_, exception) => {
    const answer = answerTo(exception);

    expect(answer.status).toBe(503);
    expect(answer.contentType).toBe('application/problem+json');
    expect(answer.headers['Retry-After']).toBe(String(DATABASE_RETRY_AFTER_SECONDS));
    expect(answer.body).toMatchObject({
      type: '/problems/database-unavailable',
      status: 503,
      code: 'database_unavailable',
      instance: '/v1/jobs',
    });
    expect(JSON.stringify(answer.body)).not.toMatch(/5432|ECONNREFUSED|Connection terminated|P1001/);
  });

  it('should still answer an error of the code itself with a 500 and no Retry-After', () => {
    const answer = answerTo(new TypeError("Cannot read properties of undefined (reading 'id')"));

    expect(answer.status).toBe(500);
    expect(answer.headers).not.toHaveProperty('Retry-After');
  });

  it('should leave a domain error as it is', () => {
    expect(answerTo(new JobNotFoundError('abc')).status).toBe(404);
  });
});
