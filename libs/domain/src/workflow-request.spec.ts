import { describe, expect, it } from '@jest/globals';

import { ValidationError } from './errors.js';
import { dependencyOrder, parseWorkflowSpec } from './workflow-request.js';

const limits = { maxPayloadBytes: 262_144, runAtPastToleranceMs: 60_000 };
const now = new Date('2026-03-01T00:00:00Z');
const job = (key: string, dependsOn?: unknown[]) => ({ key, name: key, handler: 'noop', dependsOn });

function parse(body: unknown) {
  return parseWorkflowSpec(body, limits, now, () => []);
}

function issuesOf(body: unknown) {
  try {
    parse(body);
  } catch (error) {
    if (error instanceof ValidationError) {
      return error.issues.map((issue) => `${issue.path} ${issue.code}: ${issue.message}`);
    }
    throw error;
  }
  throw new Error('expected the workflow to be refused');
}

describe('parseWorkflowSpec', () => {
  it('should order jobs so each comes after its dependencies, with edge policies', () => {
    const spec = parse({
      name: 'video',
      failurePolicy: 'fail_workflow',
      jobs: [
        job('notify', ['thumb', { key: 'upload', onFailure: 'continue' }]),
        job('thumb', ['transcode']),
        job('upload', ['transcode']),
        job('transcode'),
      ],
    });

    expect(spec.failurePolicy).toBe('fail_workflow');
    expect(spec.nodes.map((node) => node.key)).toEqual(['transcode', 'thumb', 'upload', 'notify']);
    expect(spec.nodes[3]?.dependsOn).toEqual([
      { key: 'thumb', onFailure: null },
      { key: 'upload', onFailure: 'continue' },
    ]);
    expect(spec.nodes[0]?.job).toMatchObject({ name: 'transcode', handler: 'noop', dependsOn: [] });
  });

  it('should default the failure policy to skip', () => {
    expect(parse({ name: 'w', jobs: [job('a')] }).failurePolicy).toBe('skip');
  });

  it('should report a cycle with its path, in the direction work flows', () => {
    expect(issuesOf({ name: 'w', jobs: [job('a', ['c']), job('b', ['a']), job('c', ['b']), job('d')] })).toEqual([
      'jobs[0].dependsOn dependency_cycle: dependency cycle: a → b → c → a',
    ]);
  });

  it('should report every problem at once, each naming its job', () => {
    expect(
      issuesOf({
        name: 'w',
        jobs: [
          job('a', ['a']),
          job('a'),
          job('b', ['zzz', 'b2', 'b2']),
          { key: 'b2', name: 'b2', handler: 'noop', timeoutMs: 0 },
          { key: 'bad key!' },
        ],
      }),
    ).toEqual([
      'jobs[1].key duplicate_key: duplicate key "a" (also jobs[0])',
      'jobs[2].dependsOn[2] duplicate_key: "b2" is listed twice',
      'jobs[3].timeoutMs too_small: Too small: expected number to be >=1',
      'jobs[4].key invalid_key: must be 1 to 100 letters, digits, ".", "_" or "-"',
      'jobs[0].dependsOn[0] self_dependency: job "a" cannot depend on itself',
      'jobs[2].dependsOn[0] unknown_key: unknown key "zzz"',
    ]);
  });

  it('should refuse a job whose dependencies exceed the fan-in cap, naming its dependsOn', () => {
    const parents = Array.from({ length: 101 }, (_, i) => job(`p${i}`));
    const body = {
      name: 'w',
      jobs: [
        ...parents,
        job(
          'sink',
          parents.map((parent) => parent.key),
        ),
      ],
    };

    expect(issuesOf(body)).toEqual([
      'jobs[101].dependsOn too_big: 101 dependencies; a job may depend on at most 100 (JOB_MAX_DEPENDENCIES)',
    ]);
    expect(parseWorkflowSpec(body, { ...limits, maxDependencies: 101 }, now, () => []).nodes).toHaveLength(102);
    expect(() =>
      parseWorkflowSpec(
        { name: 'w', jobs: [job('a'), job('b'), job('c', ['a', 'b'])] },
        { ...limits, maxDependencies: 1 },
        now,
        () => [],
      ),
    ).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: 'jobs[2].dependsOn', code: 'too_big' })] }),
    );
  });

  it('should prefix the deployment checks with the job', () => {
    const refuse = () => [{ path: 'handler', message: 'no such handler', code: 'unknown_handler' }];
    expect(() => parseWorkflowSpec({ name: 'w', jobs: [job('a')] }, limits, now, refuse)).toThrow(
      expect.objectContaining({
        issues: [{ path: 'jobs[0].handler', message: 'no such handler', code: 'unknown_handler' }],
      }),
    );
  });
});

describe('dependencyOrder', () => {
  const node = (key: string, ...dependsOn: string[]) => ({ key, dependsOn: dependsOn.map((k) => ({ key: k })) });

  it('should keep request order among jobs that are ready together', () => {
    const ordered = dependencyOrder([node('c'), node('b', 'a'), node('a')]);
    expect(Array.isArray(ordered) && ordered.map((n) => n.key)).toEqual(['c', 'a', 'b']);
  });

  it('should find a cycle behind a job that merely depends on it', () => {
    expect(dependencyOrder([node('x', 'p'), node('p', 'q'), node('q', 'p')])).toEqual({ cycle: ['p', 'q', 'p'] });
  });
});
