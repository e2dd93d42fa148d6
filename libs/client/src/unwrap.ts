import { MeridianApiError } from './meridian-api.error.js';

/**
 * The data of a success answer of a `MeridianClient` call, or a `MeridianApiError` carrying the
 * problem of any other answer:
 *
 * ```ts
 * const job = unwrap(await client.GET('/v1/jobs/{id}', { params: { path: { id } } }));
 * ```
 */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  const { response } = result;
  if (!response.ok) {
    throw new MeridianApiError(response.status, result.error, response.url);
  }
  return result.data as T;
}
