import { readFileSync } from 'node:fs';

import { describe, expect, it } from '@jest/globals';

import { ApiContract, type ObservedResponse, OPENAPI_DOCUMENT_PATH } from './api-contract.js';

const JOB_ID = '0b6f1f52-3c3e-4c55-9b1e-1f1f6e0c2a41';
const PROBLEM_JSON = 'application/problem+json';

const notFound = {
  type: '/problems/job-not-found',
  title: 'Job not found',
  status: 404,
  detail: `Job ${JOB_ID} does not exist.`,
  code: 'job_not_found',
  instance: `/v1/jobs/${JOB_ID}`,
};

const answer = (overrides: Partial<ObservedResponse> & { body?: unknown }): ObservedResponse => {
  const { body, ...rest } = overrides;
  return {
    method: 'GET',
    path: `/v1/jobs/${JOB_ID}`,
    status: 404,
    contentType: PROBLEM_JSON,
    text: JSON.stringify(body ?? notFound),
    ...rest,
  };
};

describe(ApiContract.name, () => {
  const sut = ApiContract.load();

  it('should accept an answer the document describes', () => {
    expect(sut.violation(answer({}))).toBeNull();
  });

  it('should refuse a body that does not match the schema, naming the operation and the field', () => {
    const problem = sut.violation(answer({ body: { ...notFound, code: 'no_such_code', status: '404' } }));

    expect(problem).toContain('getJob (GET /v1/jobs/{id}) answered 404');
    expect(problem).toContain('/code');
    expect(problem).toContain('/status');
  });

  it('should refuse a status the operation does not list', () => {
    expect(sut.violation(answer({ status: 418 }))).toContain('the document lists no such status');
  });

  it('should refuse a Content-Type the response does not list', () => {
    expect(sut.violation(answer({ contentType: 'application/json' }))).toContain(
      'Content-Type application/json, where the document says application/problem+json',
    );
  });

  it('should refuse a body where the document says there is none', () => {
    expect(sut.violation(answer({ method: 'DELETE', status: 204, contentType: null, text: '{}' }))).toContain(
      'no body',
    );
  });

  it('should accept an empty 204 and a Content-Type with parameters', () => {
    expect(sut.violation(answer({ method: 'DELETE', status: 204, contentType: null, text: '' }))).toBeNull();
    expect(
      sut.violation(
        answer({
          path: '/healthz',
          status: 200,
          contentType: 'application/json; charset=utf-8',
          body: { status: 'ok' },
        }),
      ),
    ).toBeNull();
  });

  it('should check a page item by item, through the named schemas', () => {
    const page = (items: unknown[]) =>
      answer({
        path: '/v1/jobs?limit=2',
        status: 200,
        contentType: 'application/json',
        body: { items, nextCursor: null },
      });

    expect(sut.violation(page([]))).toBeNull();
    expect(sut.violation(page([{ id: JOB_ID }]))).toContain('/items/0');
  });

  it('should try a literal path before a templated one', () => {
    const batch = answer({ method: 'POST', path: '/v1/jobs/batch', status: 201, contentType: 'application/json' });

    expect(sut.violation({ ...batch, text: JSON.stringify({ jobs: [] }) })).toBeNull();
    expect(sut.violation({ ...batch, text: JSON.stringify({ items: [] }) })).toContain('createJobBatch');
  });

  it('should leave alone paths and methods the document has no operation for', () => {
    expect(sut.violation(answer({ path: '/admin/queues', status: 401 }))).toBeNull();
    expect(sut.violation(answer({ method: 'PUT', status: 404 }))).toBeNull();
  });

  it('should throw with the violation from check', () => {
    expect(() => sut.check(answer({ status: 418 }))).toThrow('Answer outside the OpenAPI contract: getJob');
  });

  it('should find every example of the document valid against its own schema', () => {
    const document = JSON.parse(readFileSync(OPENAPI_DOCUMENT_PATH, 'utf8')) as {
      components: { schemas: Record<string, { example?: unknown }> };
    };
    const examples = Object.entries(document.components.schemas).filter(([, schema]) => 'example' in schema);

    expect(examples.map(([name]) => name)).toEqual(
      expect.arrayContaining(['CreateJobRequest', 'CreateWorkflowRequest', 'Job', 'Execution', 'Problem']),
    );
    for (const [name, schema] of examples) {
      expect([name, sut.schemaViolation(name, schema.example)]).toEqual([name, null]);
    }
  });
});
