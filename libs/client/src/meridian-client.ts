import createClient, { type Client } from 'openapi-fetch';

import type { paths } from './generated/openapi.js';
import { MeridianNetworkError } from './meridian-network.error.js';

/** Where the API is and who calls it. */
export interface MeridianClientOptions {
  /** The API's base URL, without `/v1`, e.g. `http://localhost:3000`. */
  baseUrl: string;
  /**
   * The API key (`mk_…`), sent as `Authorization: Bearer <apiKey>` with every request.
   * @defaultValue none: only `/healthz` and `/readyz` answer without one
   */
  apiKey?: string;
  /**
   * The fetch every request goes through (a proxy agent, a test double, tracing).
   * @defaultValue globalThis.fetch
   */
  fetch?: typeof fetch;
  /**
   * Headers sent with every request besides `Authorization`.
   * @defaultValue none
   */
  headers?: Record<string, string>;
}

/**
 * A typed client of every route of the document: `client.GET('/v1/jobs/{id}', { params: { path: { id } } })`
 * answers `{ data, error, response }`, with `data` typed by the route's success answer and `error`
 * by its problem answers. A request that gets no answer rejects with a `MeridianNetworkError`.
 */
export type MeridianClient = Client<paths>;

export function createMeridianClient(options: MeridianClientOptions): MeridianClient {
  const { baseUrl, apiKey, fetch, headers = {} } = options;
  const client = createClient<paths>({
    baseUrl,
    ...(fetch === undefined ? {} : { fetch }),
    headers: {
      ...headers,
      ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
    },
  });
  client.use({
    onError({ request, error }) {
      // An abort is the caller's own doing: it keeps its reason (AbortError, TimeoutError).
      if (request.signal.aborted) {
        return undefined;
      }
      return new MeridianNetworkError(request.url, error);
    },
  });
  return client;
}
