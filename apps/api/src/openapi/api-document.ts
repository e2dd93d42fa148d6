import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { componentSchemas } from './components.js';
import {
  PROBLEM_RESPONSES,
  type ProblemResponseName,
  problemResponses,
  PROBLEMS_EXTENSION,
} from './problem-responses.js';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']> & {
  [PROBLEMS_EXTENSION]?: ProblemResponseName[];
};

const TAGS: { name: string; description: string }[] = [
  { name: 'jobs', description: 'One-off and recurring jobs: create, list, read, cancel, delete.' },
  { name: 'executions', description: 'Runs of a job, each with its attempts; retry one that ended badly.' },
  {
    name: 'schedules',
    description: 'What recurring jobs add: preview, change, pause, resume, trigger, backfill, occurrence ledger.',
  },
  { name: 'workflows', description: 'Jobs and the dependencies between them, created and cancelled together.' },
  {
    name: 'overview',
    description: "How the namespace's work went lately, and how the cluster's queues and outbox stand.",
  },
  { name: 'keys', description: "The namespace's API keys (admin scope)." },
  { name: 'audit', description: 'Who changed what, and when (admin scope).' },
  { name: 'namespace', description: "The caller's namespace: the secret its outgoing http requests are signed with." },
  { name: 'namespaces', description: "Each namespace's limits and allowed internal targets (operators only)." },
  { name: 'health', description: 'Probes and metrics, without a key.' },
];

/**
 * The OpenAPI document of the REST API: the routes and their decorators, with the named schemas of
 * components.ts and the shared error answers of problem-responses.ts.
 */
export function buildApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Meridian')
      .setDescription(
        'Distributed job scheduler: create jobs (one-off, delayed, recurring, or in workflows), watch their ' +
          'executions and attempts. Every error is an RFC 9457 problem (application/problem+json) with a stable `code`.',
      )
      .setVersion('1')
      .setOpenAPIVersion('3.1.0')
      .addServer('http://localhost:3000', 'A local api (`pnpm start`, or docker compose)')
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'opaque API key, mk_<id>_<secret>',
          description:
            'An API key, `Authorization: Bearer mk_…`: opaque, made by POST /v1/keys or `pnpm keys:create`, shown once.',
        },
        'bearer',
      )
      .addSecurityRequirements('bearer')
      .build(),
  );
  document.tags = TAGS;
  document.components = {
    ...document.components,
    schemas: componentSchemas(),
    responses: problemResponses(),
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (operation !== undefined) {
        completeOperation(path, operation);
      }
    }
  }
  return document;
}

/**
 * The error answers an operation gives because of where it is, added to those it declares
 * (`@ApiProblems`), in the order of the request's path through the api (start.ts, AppModule):
 * every request meets the limit per client address; a `/v1` request needs a key (ApiKeyMiddleware
 * is mounted on v1/*: 401, its rate limits 429), one with the route's scope (ApiKeyGuard: 403), and
 * Postgres (503); one with a body has it parsed (RequestBodyMiddleware: 400, 413, 415). The other
 * routes are public.
 */
function completeOperation(path: string, operation: Operation): void {
  const declared = operation[PROBLEMS_EXTENSION] ?? [];
  delete operation[PROBLEMS_EXTENSION];
  const shared = new Set<ProblemResponseName>(declared);
  shared.add('TooManyRequests');
  if (path.startsWith('/v1/')) {
    for (const name of ['Unauthorized', 'Forbidden', 'ServiceUnavailable'] as const) {
      shared.add(name);
    }
    if (operation.requestBody !== undefined) {
      for (const name of ['BadRequest', 'PayloadTooLarge', 'UnsupportedMediaType'] as const) {
        shared.add(name);
      }
    }
  } else {
    operation.security = [];
  }
  const responses: Operation['responses'] = { ...operation.responses };
  for (const name of shared) {
    responses[String(PROBLEM_RESPONSES[name].status)] = { $ref: `#/components/responses/${name}` };
  }
  operation.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}
