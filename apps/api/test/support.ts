import { expect } from '@jest/globals';
import type { ApiResponse } from '@meridian/testing';

/** An RFC 9457 problem as the API answers it, with Meridian's stable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: { path: string; message: string; code?: string }[];
}

/** One page of a cursor-paginated list. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Asserts that `response` is a problem with `status` and `code`, and returns it. */
export function expectProblem(response: ApiResponse<unknown>, status: number, code: string): Problem {
  const problem = response.body as Problem;
  expect({ status: response.status, code: problem?.code }).toEqual({ status, code });
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(problem).toMatchObject({ status, type: expect.stringMatching(/^\/problems\//), title: expect.any(String) });
  return problem;
}

/** A job id of the right shape that no job has. */
export const MISSING_ID = '01930000-0000-7000-8000-000000000000';
