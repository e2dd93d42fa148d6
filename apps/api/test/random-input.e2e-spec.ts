import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type ApiResponse, useStack } from '@meridian/testing';
import fc from 'fast-check';

import { expectProblem, type Problem } from './support.js';

/**
 * Random values, shaped like each field and arbitrary JSON alike, for every field of the routes that
 * take a job or a schedule. Whatever the input, the answer is never a 5xx, and a refusal is a
 * problem. The seed is fixed so that CI runs the same requests each time; fast-check prints it with
 * the smallest failing request. MERIDIAN_PROPERTY_SEED and MERIDIAN_PROPERTY_RUNS try other requests.
 */
const SEED = Number(process.env.MERIDIAN_PROPERTY_SEED ?? 20_261_201);
/** Requests per route: a few hundred in all, which two cores answer in well under a minute. */
const RUNS = Number(process.env.MERIDIAN_PROPERTY_RUNS ?? 60);

jest.setTimeout(180_000);

const MAX_DATE_MS = 8.64e15;

/** Numbers of every kind a number field may meet: edges, huge, negative, fractional, unsafe. */
const anyNumber = fc.oneof(
  fc.integer(),
  fc.integer({ min: -1, max: 2000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1, 999, 1000, 2 ** 31, 2 ** 53, -(2 ** 53), 1e21, 1e300, MAX_DATE_MS, 366 * 86_400_000 + 1),
);

/** Instants as text: real ones, the ends of the Date range, and strings that only look like dates. */
const anyInstant = fc.oneof(
  fc
    .date({ min: new Date(-MAX_DATE_MS), max: new Date(MAX_DATE_MS), noInvalidDate: true })
    .map((date) => date.toISOString()),
  fc
    .date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.constantFrom(
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999Z',
    '9999-12-31T23:59:59+14:00',
    '0001-01-01T00:00:00-14:00',
    '+275760-09-13T00:00:00.000Z',
    '2026-02-30T00:00:00Z',
    '2026-01-01T24:00:00Z',
    'not a date',
  ),
);

/** Text of every kind: ordinary, huge, with NUL or lone surrogates, and a few that mean something. */
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', 'a\u0000b', 'a\ud800b', 'x'.repeat(5000), 'noop', 'http', 'default', '__proto__'),
);

/** Arrays nested `depth` deep: far below any size cap, deeper than any real payload. */
const nested = fc
  .integer({ min: 1, max: 3000 })
  .map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown);

const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 4 }), nested, anyText, anyNumber);

/** A field's value: most often shaped like the field, otherwise anything JSON can hold. */
const field = <T>(shaped: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: shaped }, { weight: 1, arbitrary: anyJson });

const duration = fc.oneof(
  fc.tuple(fc.nat(), fc.constantFrom('ms', 's', 'm', 'h', 'd')).map(([amount, unit]) => `${amount}${unit}`),
  fc.constantFrom('99999999999999999999d', '366d', '367d', '1h30m', '0s', '1s', '999ms', '8784h1ms'),
  anyText,
);

const cron = fc.oneof(
  fc.constantFrom('* * * * *', '*/1 * * * * *', '0 9 * * 1-5', '30 2 * * *', '0 0 31 2 *', '59 59 23 31 12 *', '* * *'),
  fc
    .array(
      fc.oneof(fc.constantFrom('*', '*/7', '0', '1-5', 'L', '?', '#', '99999999'), fc.nat({ max: 100 }).map(String)),
      {
        minLength: 4,
        maxLength: 7,
      },
    )
    .map((parts) => parts.join(' ')),
  anyText,
);

const scheduleShaped = fc.record(
  {
    cron: field(cron),
    timezone: field(fc.constantFrom('UTC', 'Europe/Berlin', 'Pacific/Kiritimati', 'Mars/Olympus', '+14:00')),
    every: field(duration),
    everyMs: field(anyNumber),
    startAt: field(anyInstant),
    endAt: field(anyInstant),
    limit: field(anyNumber),
    jitterMs: field(anyNumber),
    dst: field(
      fc.record(
        { ambiguous: field(fc.constantFrom('first', 'both')), nonexistent: field(fc.constantFrom('shift', 'skip')) },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);

/** A schedule with one kind picked, so that the other fields get checked too, or anything at all. */
const schedule = field(
  fc
    .tuple(fc.constantFrom({ every: '1h' }, { cron: '0 * * * *' }, { everyMs: 60_000 }, {}), scheduleShaped)
    .map(([kind, rest]) => ({ ...kind, ...rest })),
);

const catchUp = field(
  fc.record(
    { policy: field(fc.constantFrom('skip', 'latest', 'all')), windowMs: field(anyNumber), max: field(anyNumber) },
    { requiredKeys: [] },
  ),
);
const overlap = field(fc.constantFrom('skip', 'buffer_one', 'buffer_all', 'cancel_previous', 'allow'));

const retry = field(
  fc.record(
    {
      maxAttempts: field(anyNumber),
      backoff: field(
        fc.record(
          {
            type: field(fc.constantFrom('exponential', 'fixed')),
            delayMs: field(anyNumber),
            maxDelayMs: field(anyNumber),
            jitter: field(anyNumber),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
);

const payload = field(
  fc.oneof(
    fc.record(
      {
        url: field(
          fc.constantFrom('https://example.com/hook', 'http://127.0.0.1/', 'ftp://x', 'https://a.example/\u0000'),
        ),
        method: field(fc.constantFrom('GET', 'POST', 'TRACE')),
        headers: field(fc.dictionary(anyText, anyText, { maxKeys: 3 })),
        body: anyJson,
        includeParents: field(fc.boolean()),
        ms: field(anyNumber),
        fail: field(fc.boolean()),
      },
      { requiredKeys: [] },
    ),
    fc.constant({ big: 'x'.repeat(300 * 1024) }),
  ),
);

/** Every field of `POST /v1/jobs`, each present or not. */
const jobFields = {
  name: field(anyText),
  handler: field(fc.constantFrom('noop', 'http', 'sleep', 'Not-A-Handler')),
  payload,
  runAt: field(anyInstant),
  delayMs: field(anyNumber),
  retry,
  timeoutMs: field(anyNumber),
  priority: field(anyNumber),
  queue: field(fc.constantFrom('default', 'other', 'UPPER')),
  schedule,
  overlap,
  catchUp,
};

const createBody = fc
  .tuple(
    fc.record(jobFields, { requiredKeys: [] }),
    fc.option(field(fc.array(field(fc.oneof(fc.uuid(), fc.record({ id: fc.uuid(), onFailure: anyText })))))),
  )
  .map(([fields, dependsOn]) => ({
    name: 'random',
    handler: 'noop',
    ...fields,
    ...(dependsOn === null ? {} : { dependsOn }),
  }));

const patchBody = fc.record(
  { name: field(anyText), payload, schedule, overlap, catchUp, unknown: anyJson },
  { requiredKeys: [] },
);

const workflowBody = fc
  .record(
    {
      name: field(anyText),
      failurePolicy: field(fc.constantFrom('skip', 'continue', 'fail_workflow')),
      first: fc.record(
        { ...jobFields, key: field(fc.constantFrom('a', 'b', '-x', 'k'.repeat(101))) },
        { requiredKeys: [] },
      ),
      second: fc.record(jobFields, { requiredKeys: [] }),
      dependsOn: field(
        fc.array(field(fc.oneof(fc.constantFrom('a', 'b', 'c'), fc.record({ key: anyText, onFailure: anyText })))),
      ),
    },
    { requiredKeys: [] },
  )
  .map(({ name, failurePolicy, first, second, dependsOn }) => ({
    name: name ?? 'random-workflow',
    ...(failurePolicy === undefined ? {} : { failurePolicy }),
    jobs: [
      { name: 'a', handler: 'noop', key: 'a', ...first },
      { name: 'b', handler: 'noop', ...second, key: 'b', ...(dependsOn === undefined ? {} : { dependsOn }) },
    ],
  }));

const backfillBody = fc.record(
  {
    from: field(anyInstant),
    to: field(anyInstant),
    dryRun: field(fc.constant(true)),
    mode: field(fc.constantFrom('sequential', 'parallel')),
  },
  { requiredKeys: [] },
);

const pauseBody = fc.record({ note: field(anyText), until: field(anyInstant) }, { requiredKeys: [] });

/** No answer is a 5xx, and every refusal is an RFC 9457 problem. */
function expectHandled(response: ApiResponse<unknown>, request: string) {
  const type = response.headers.get('content-type') ?? '';
  const outcome = { request, status: response.status, body: response.body };
  expect({ ...outcome, serverError: response.status >= 500 }).toEqual({ ...outcome, serverError: false });
  if (response.status >= 400) {
    expect({ ...outcome, type }).toEqual({ ...outcome, type: expect.stringContaining('application/problem+json') });
  }
}

describe('random input', () => {
  // The api alone: what the requests store is never run, and nothing competes with them for the CPU.
  const ctx = useStack({ apps: ['api'] });
  let recurring: string;
  let backfilled: string;

  beforeAll(async () => {
    recurring = (await ctx.api.createJob({ name: 'patched', handler: 'noop', schedule: { every: '1h' } })).id;
    const startAt = new Date(Date.now() - 30 * 86_400_000).toISOString();
    backfilled = (await ctx.api.createJob({ name: 'backfilled', handler: 'noop', schedule: { every: '1d', startAt } }))
      .id;
  });

  describe('the create-time checks on every route that takes the same field', () => {
    const deep = JSON.parse(`${'['.repeat(65)}${']'.repeat(65)}`) as unknown;
    const cases: [string, Record<string, unknown>, number, string][] = [
      ['a payload over JOB_MAX_PAYLOAD_BYTES', { payload: { big: 'x'.repeat(300 * 1024) } }, 413, 'payload_too_large'],
      ['a payload nested 65 deep', { payload: deep }, 400, 'validation_failed'],
      ['a payload holding a NUL character', { payload: { text: 'a\u0000b' } }, 400, 'validation_failed'],
      ['a name holding a NUL character', { name: 'a\u0000b' }, 400, 'validation_failed'],
    ];

    it.each(cases)('should refuse %s on PATCH as on create', async (_case, fields, status, code) => {
      const created = await ctx.api.request('POST', '/v1/jobs', { name: 'n', handler: 'noop', ...fields });
      const patched = await ctx.api.request('PATCH', `/v1/jobs/${recurring}`, fields);

      expect([created.status, patched.status]).toEqual([status, status]);
      expect([(created.body as Problem).code, (patched.body as Problem).code]).toEqual([code, code]);
    });

    it('should refuse a workflow name holding a NUL character, as a job name', async () => {
      const answer = await ctx.api.request('POST', '/v1/workflows', {
        name: 'a\u0000b',
        jobs: [{ key: 'a', name: 'a', handler: 'noop' }],
      });

      expect(expectProblem(answer, 400, 'validation_failed').errors?.map((error) => error.path)).toEqual(['name']);
    });

    it.each([
      ['GET', '/v1/jobs?name=a%00b', undefined, 'query.name'],
      ['POST', '/v1/keys', { name: 'a\u0000b', scopes: ['jobs:read'] }, 'name'],
      ['POST', '/v1/jobs/:recurring/pause', { note: 'a\u0000b' }, 'note'],
    ])('should refuse text Postgres cannot hold on %s %s, naming the field', async (method, path, body, field) => {
      const answer = await ctx.api.request(method, path.replace(':recurring', recurring), body);

      expect(expectProblem(answer, 400, 'validation_failed').errors?.map((error) => error.path)).toEqual([field]);
    });

    it('should refuse a runAt further ahead than delayMs may reach, naming runAt', async () => {
      const answer = await ctx.api.request('POST', '/v1/jobs', {
        name: 'far',
        handler: 'noop',
        runAt: '9999-12-31T23:59:59Z',
      });

      expect(expectProblem(answer, 400, 'validation_failed').errors?.map((error) => error.path)).toEqual(['runAt']);
    });
  });

  /** Sends every generated body to `path` and checks each answer. */
  async function check(method: string, path: () => string, bodies: fc.Arbitrary<unknown>) {
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const url = path();
        const response = await ctx.api.request(method, url, body);
        expectHandled(response, `${method} ${url} ${JSON.stringify(body).slice(0, 2000)}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  }

  it('should answer every create without a 5xx', async () => {
    await check('POST', () => '/v1/jobs', createBody);
  });

  it('should answer every batch create without a 5xx', async () => {
    await check(
      'POST',
      () => '/v1/jobs/batch',
      fc.array(createBody, { minLength: 1, maxLength: 3 }).map((jobs) => ({ jobs })),
    );
  });

  it('should answer every change of a recurring job without a 5xx', async () => {
    await check('PATCH', () => `/v1/jobs/${recurring}`, patchBody);
  });

  it('should answer every workflow create without a 5xx', async () => {
    await check('POST', () => '/v1/workflows', workflowBody);
  });

  it('should answer every backfill and pause without a 5xx', async () => {
    await check('POST', () => `/v1/jobs/${backfilled}/backfill`, backfillBody);
    await check('POST', () => `/v1/jobs/${backfilled}/pause`, pauseBody);
  });
});
