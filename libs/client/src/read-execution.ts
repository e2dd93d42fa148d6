import type { Execution } from './api-types.js';
import type { MeridianClient } from './meridian-client.js';
import { unwrap } from './unwrap.js';

/** The largest page of attempts `GET /v1/executions/{id}` answers. */
const ATTEMPTS_PAGE_MAX = 100;

/**
 * `GET /v1/executions/{id}` with every attempt, following the attempts pages: the answer is the
 * execution as the API gives it, its `attempts` all of them, oldest first, and `attemptsNextCursor`
 * null. An execution has at most 100 attempts by its retry policy, which one page of the largest
 * size holds; an interrupted attempt (a worker lost) adds one, so the pages are followed all the same.
 * Rejects with a `MeridianApiError` (404 for an unknown id) or a `MeridianNetworkError`.
 */
export async function readExecutionWithAttempts(
  client: MeridianClient,
  id: string,
  options: { signal?: AbortSignal } = {},
): Promise<Execution> {
  const read = async (attemptsCursor?: string) =>
    unwrap(
      await client.GET('/v1/executions/{id}', {
        params: { path: { id }, query: { attemptsLimit: ATTEMPTS_PAGE_MAX, attemptsCursor } },
        signal: options.signal,
      }),
    );
  const execution = await read();
  const attempts = [...(execution.attempts ?? [])];
  let cursor = execution.attemptsNextCursor ?? null;
  while (cursor !== null) {
    const page = await read(cursor);
    attempts.push(...(page.attempts ?? []));
    cursor = page.attemptsNextCursor ?? null;
  }
  return { ...execution, attempts, attemptsNextCursor: null };
}
