import 'reflect-metadata';

import { readFileSync } from 'node:fs';

import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '@meridian/config';
import { OPENAPI_DOCUMENT_PATH, useStack } from '@meridian/testing';
import { NestFactory } from '@nestjs/core';

import { AppModule } from '../src/app.module.js';
import { buildApiDocument } from '../src/openapi/api-document.js';
import { expectProblem } from './support.js';

interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; schema?: Record<string, unknown> }[];
  responses: Record<string, { $ref?: string; description?: string }>;
}
type ApiDocument = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>>; responses: Record<string, unknown> };
};

const onDisk = (): ApiDocument => JSON.parse(readFileSync(OPENAPI_DOCUMENT_PATH, 'utf8')) as ApiDocument;

/** The document the source code makes now, as write-document.ts makes it at build time. */
async function generated(): Promise<ApiDocument> {
  const app = await NestFactory.create(AppModule.forRoot(loadConfig()), { preview: true, logger: false });
  try {
    return JSON.parse(JSON.stringify(buildApiDocument(app))) as ApiDocument;
  } finally {
    await app.close();
  }
}

/** Where two documents differ: the paths and named schemas that are not the same, or the other parts. */
function differences(actual: ApiDocument, expected: ApiDocument): string[] {
  const differ = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);
  const keys = (a: object, b: object) => [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const paths = keys(actual.paths, expected.paths).filter((path) => differ(actual.paths[path], expected.paths[path]));
  const schemas = keys(actual.components.schemas, expected.components.schemas).filter((name) =>
    differ(actual.components.schemas[name], expected.components.schemas[name]),
  );
  const rest = keys(actual, expected).filter(
    (key) =>
      key !== 'paths' &&
      key !== 'components' &&
      differ((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key]),
  );
  const responses = differ(actual.components.responses, expected.components.responses) ? ['components.responses'] : [];
  return [...paths, ...schemas.map((name) => `#/components/schemas/${name}`), ...responses, ...rest];
}

const operations = (document: ApiDocument) =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );

describe('OpenAPI document', () => {
  const ctx = useStack();

  it('should be in openapi.json as the code makes it (run pnpm build, or pnpm openapi, and commit it)', async () => {
    expect(differences(onDisk(), await generated())).toEqual([]);
  });

  it('should be served at /docs-json exactly as in openapi.json', async () => {
    const served = await ctx.api.request<ApiDocument>('GET', '/docs-json');

    expect(served.status).toBe(200);
    expect(differences(served.body, onDisk())).toEqual([]);
  });

  it('should give every operation a written id, a summary, a description and described responses', () => {
    for (const { path, method, operation } of operations(onDisk())) {
      const where = `${method.toUpperCase()} ${path}`;
      expect([where, operation.operationId]).toEqual([where, expect.stringMatching(/^[a-z][A-Za-z]+$/)]);
      expect([where, operation.summary]).toEqual([where, expect.any(String)]);
      expect([where, operation.description]).toEqual([where, expect.any(String)]);
      for (const [status, response] of Object.entries(operation.responses)) {
        expect([where, status, response.$ref ?? response.description]).toEqual([
          where,
          status,
          expect.stringMatching(/\S/),
        ]);
      }
    }
    const ids = operations(onDisk()).map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('should type every parameter', () => {
    for (const { path, method, operation } of operations(onDisk())) {
      for (const parameter of operation.parameters ?? []) {
        expect([method, path, parameter.name, Object.keys(parameter.schema ?? {}).length > 0]).toEqual([
          method,
          path,
          parameter.name,
          true,
        ]);
      }
    }
  });

  it('should ask for a key on every /v1 operation and answer 401 without one, and none on the probes', async () => {
    for (const { path, method, operation } of operations(onDisk())) {
      if (path.startsWith('/v1/')) {
        expect([method, path, operation.security, operation.responses['401']]).toEqual([
          method,
          path,
          undefined,
          { $ref: '#/components/responses/Unauthorized' },
        ]);
      } else {
        expect([method, path, operation.security]).toEqual([method, path, []]);
      }
    }
    expectProblem(await ctx.api.as(undefined).request('GET', '/v1/jobs'), 401, 'unauthorized');
    expect((await ctx.api.as(undefined).request('GET', '/healthz')).status).toBe(200);
  });

  it('should take any text as an id, as the api does: one that is not a UUID names nothing (404)', async () => {
    const getJob = onDisk().paths['/v1/jobs/{id}']?.get;

    expect(getJob?.parameters?.find((parameter) => parameter.name === 'id')?.schema).toEqual(
      expect.not.objectContaining({ format: 'uuid' }),
    );
    expectProblem(await ctx.api.request('GET', '/v1/jobs/not-a-uuid'), 404, 'job_not_found');
  });

  it('should name each schema once, with no integer bounds that are not real ones', () => {
    const text = readFileSync(OPENAPI_DOCUMENT_PATH, 'utf8');

    expect(text).not.toContain(String(Number.MAX_SAFE_INTEGER));
    expect(text).not.toContain('"nullable"');
    expect(Object.keys(onDisk().components.schemas)).toEqual(
      expect.arrayContaining(['Job', 'Execution', 'Attempt', 'AttemptError', 'Schedule', 'Workflow', 'Problem']),
    );
    // The status enum is written once, in ExecutionStatus, and referred to everywhere else.
    expect(text.split('"BLOCKED"').length - 1).toBe(1);
  });
});
