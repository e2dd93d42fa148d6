import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { beforeAll, describe, expect, it } from '@jest/globals';
import { type ApiClient, freePort, useStack } from '@meridian/testing';

import { expectProblem } from './support.js';

const run = promisify(execFile);
const REPOSITORY_ROOT = new URL('../../../', import.meta.url).pathname;

describe('operators', () => {
  const ctx = useStack({ apps: ['api', 'scheduler', 'worker'] });
  const keys: Record<'operator' | 'defaultAdmin' | 'tenantAdmin', string> = {
    operator: '',
    defaultAdmin: '',
    tenantAdmin: '',
  };
  const as = (name: keyof typeof keys) => ctx.api.as(keys[name]);
  const board = (key: string, method = 'GET', path = '') =>
    fetch(`${ctx.stack.apiUrl}/admin/queues${path}`, { method, headers: { authorization: `Bearer ${key}` } });
  const create = (client: ApiClient, body: object) => client.request<{ key: string }>('POST', '/v1/keys', body);

  beforeAll(async () => {
    keys.operator = (await create(ctx.api, { name: 'ops', scopes: ['operator'] })).body.key;
    keys.defaultAdmin = (await create(ctx.api, { name: 'admin', scopes: ['admin'] })).body.key;
    keys.tenantAdmin = (await create(ctx.api, { name: 'tenant', namespace: 'tenant', scopes: ['admin'] })).body.key;
  });

  it("should let only operators read and set a namespace's limits, not an admin of namespace default", async () => {
    const limits = { maxConcurrency: 7, maxRunsPerMinute: null };

    expectProblem(
      await as('defaultAdmin').request('PUT', '/v1/namespaces/tenant/limits', limits),
      403,
      'insufficient_scope',
    );
    expectProblem(await as('defaultAdmin').request('GET', '/v1/namespaces/tenant/limits'), 403, 'insufficient_scope');
    expectProblem(
      await as('tenantAdmin').request('PUT', '/v1/namespaces/tenant/limits', limits),
      403,
      'insufficient_scope',
    );

    const set = await as('operator').request('PUT', '/v1/namespaces/tenant/limits', limits);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ own: limits });
  });

  it('should give operators nothing of the tenant scopes', async () => {
    expectProblem(await as('operator').request('GET', '/v1/jobs'), 403, 'insufficient_scope');
    expectProblem(await as('operator').request('GET', '/v1/keys'), 403, 'insufficient_scope');
  });

  it('should let only an operator or the bootstrap key hand out the operator scope, and only in namespace default', async () => {
    expectProblem(
      await create(as('defaultAdmin'), { name: 'escalate', scopes: ['operator'] }),
      403,
      'insufficient_scope',
    );
    // Creating keys takes admin; granting operator takes operator as well.
    expectProblem(
      await create(as('operator'), { name: 'second-ops', scopes: ['operator'] }),
      403,
      'insufficient_scope',
    );
    const operatorAdmin = (await create(ctx.api, { name: 'ops-admin', scopes: ['admin', 'operator'] })).body.key;
    const byOperator = await create(ctx.api.as(operatorAdmin), { name: 'second-ops', scopes: ['operator'] });
    expect(byOperator.status).toBe(201);
    expect((await board(byOperator.body.key)).status).toBe(200);
    const elsewhere = await create(ctx.api, { name: 'x', namespace: 'tenant', scopes: ['jobs:read', 'operator'] });
    expect(expectProblem(elsewhere, 400, 'validation_failed').errors?.[0]?.path).toBe('scopes');
  });

  it('should serve Bull Board to operators only, a 403 problem to any other key', async () => {
    expect((await board(keys.operator)).status).toBe(200);
    for (const other of [keys.defaultAdmin, keys.tenantAdmin]) {
      const refused = await board(other);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(((await refused.json()) as { code: string }).code).toBe('insufficient_scope');
    }
  });

  it('should keep Bull Board read-only: a retry or a removal of a finished job is refused, and changes nothing', async () => {
    const job = await ctx.api.createJob({ name: 'finished', handler: 'noop' });
    const { id: executionId } = await ctx.api.waitForExecution(job, 'SUCCEEDED');
    const queues = (await (await board(keys.operator, 'GET', '/api/queues')).json()) as {
      queues: { name: string; readOnlyMode: boolean }[];
    };
    expect(queues.queues.map((queue) => queue.readOnlyMode)).toEqual(queues.queues.map(() => true));

    for (const change of ['retry', 'clean']) {
      const refused = await board(keys.operator, 'PUT', `/api/queues/default/${executionId}/${change}`);
      expect(refused.status).toBe(405);
      expect(refused.headers.get('allow')).toBe('GET, HEAD');
      expect(((await refused.json()) as { code: string }).code).toBe('queues_read_only');
    }

    const shown = await board(keys.operator, 'GET', `/api/queues/default/${executionId}`);
    expect(((await shown.json()) as { job: { id: string } }).job.id).toBe(executionId);
    expect((await ctx.api.request<{ status: string }>('GET', `/v1/jobs/${job.id}`)).body.status).toBe('SUCCEEDED');
  });

  it('should let a board with BULL_BOARD_WRITABLE=true pass changes to Bull Board', async () => {
    const port = await freePort();
    await ctx.stack.start('api', { API_PORT: String(port), BULL_BOARD_WRITABLE: 'true' });

    const missing = '01930000-0000-7000-8000-000000000000';
    const answer = await fetch(`http://127.0.0.1:${port}/admin/queues/api/queues/default/${missing}/retry`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${keys.operator}` },
    });

    // Past the gate and the board's read-only check, to the board's own look-up of the job.
    expect(answer.status).toBe(404);
  });

  it('should create an operator key from the command line, and refuse one in another namespace', async () => {
    const cli = (...args: string[]) =>
      run('node', ['apps/api/dist/cli.js', 'keys', 'create', ...args], {
        cwd: REPOSITORY_ROOT,
        env: { ...process.env, DATABASE_URL: ctx.stack.database.url },
      });

    const { stdout } = await cli('--name', 'cli-ops', '--scopes', 'operator');
    expect((await board(stdout.trim())).status).toBe(200);

    await expect(cli('--name', 'bad', '--scopes', 'operator', '--namespace', 'tenant')).rejects.toMatchObject({
      code: 64,
    });
  });
});
