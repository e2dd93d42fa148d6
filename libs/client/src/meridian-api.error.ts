import type { Problem } from './api-types.js';

/**
 * Any answer of the API that is not a success, with the problem (RFC 9457, `application/problem+json`)
 * it carries. `code` is the stable machine-readable reason (`job_not_found`, `validation_failed`,
 * `job_not_cancellable` …); `problem.errors` lists each bad field of a refused request.
 */
export class MeridianApiError extends Error {
  override readonly name = 'MeridianApiError';
  readonly status: number;
  /** The problem the API answered with; undefined when the body was not one (a proxy's error page). */
  readonly problem: Problem | undefined;

  constructor(status: number, body: unknown, url?: string) {
    const problem = isProblem(body) ? body : undefined;
    super(describe(status, problem, body, url));
    this.status = status;
    this.problem = problem;
  }

  /** The problem's stable code, undefined when the answer held no problem. */
  get code(): string | undefined {
    return this.problem?.code;
  }
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) {
    return false;
  }
  const { title, status, code } = body as Record<string, unknown>;
  return typeof title === 'string' && typeof status === 'number' && typeof code === 'string';
}

function describe(status: number, problem: Problem | undefined, body: unknown, url: string | undefined): string {
  const where = url === undefined || url === '' ? '' : ` (${url})`;
  if (problem !== undefined) {
    const fields = (problem.errors ?? []).map((issue) => `${issue.path}: ${issue.message}`);
    const detail = [problem.detail, ...fields].filter((part) => part !== undefined && part !== '').join('; ');
    return `${status} ${problem.code}: ${detail === '' ? problem.title : detail}${where}`;
  }
  const text = typeof body === 'string' ? body.trim().slice(0, 200) : '';
  return `${status} answered without a problem body${text === '' ? '' : `: ${text}`}${where}`;
}
