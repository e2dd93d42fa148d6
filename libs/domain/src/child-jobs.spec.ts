import { describe, expect, it } from '@jest/globals';

import { parseChildrenRequest } from './child-jobs.js';
import { ValidationError } from './errors.js';

const limits = { maxPayloadBytes: 1024, runAtPastToleranceMs: 60_000 };
const now = new Date('2026-12-02T10:00:00.000Z');

function issuesOf(input: Parameters<typeof parseChildrenRequest>[0]) {
  try {
    parseChildrenRequest(input, limits, now);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map((issue) => issue.path);
  }
  throw new Error('expected a refusal');
}

describe(parseChildrenRequest.name, () => {
  it('should make each child a job spec as a create would, due now, named after its step and index', () => {
    const request = parseChildrenRequest(
      {
        step: 'parts',
        children: [
          { handler: 'noop', payload: { n: 1 } },
          { handler: 'http', name: 'call', queue: 'bulk' },
        ],
      },
      limits,
      now,
    );

    expect(request.step).toBe('parts');
    expect(request.onChildFailure).toBe('fail_parent');
    expect(request.specs.map((spec) => [spec.name, spec.handler, spec.queue, spec.scheduledFor])).toEqual([
      ['parts[0]', 'noop', 'default', now],
      ['call', 'http', 'bulk', now],
    ]);
    expect(request.specs[0]?.retry.maxAttempts).toBeGreaterThan(0);
  });

  it('should take the failure policy given', () => {
    expect(
      parseChildrenRequest({ step: 's', children: [{ handler: 'noop' }], onChildFailure: 'partial' }, limits, now)
        .onChildFailure,
    ).toBe('partial');
  });

  it('should name each bad child by its index, and refuse the fields a child does not take', () => {
    expect(
      issuesOf({
        step: 'parts',
        children: [{ handler: 'noop' }, { handler: 'Bad Name' }, { handler: 'noop', runAt: now.toISOString() }],
      }),
    ).toEqual(['children[1].handler', 'children[2].runAt']);
  });

  it('should refuse a bad step, an empty list, more than 10,000 children and an unknown policy', () => {
    expect(issuesOf({ step: 'no spaces', children: [{ handler: 'noop' }] })).toEqual(['step']);
    expect(issuesOf({ step: 'parts', children: [] })).toEqual(['children']);
    expect(issuesOf({ step: 'parts', children: Array.from({ length: 10_001 }, () => ({ handler: 'noop' })) })).toEqual([
      'children',
    ]);
    expect(issuesOf({ step: 'parts', children: [{ handler: 'noop' }], onChildFailure: 'maybe' })).toEqual([
      'onChildFailure',
    ]);
  });
});
