import type { IncomingMessage, ServerResponse } from 'node:http';

import type { MetricCatalog } from './metric-catalog.js';

/** What Express adds to a request that this middleware reads. */
interface RoutedRequest extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: unknown };
}

/** The route label of a request no route took (a 404, or one refused by a middleware before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Counts and times every api request by method, route pattern (`/v1/jobs/:id`, never the raw URL,
 * which holds ids) and status, once its response is sent. Registered first, so requests refused
 * before routing (rate limits, bad keys) count too, under {@link UNMATCHED_ROUTE}. Costs a listener
 * and a clock read per request.
 */
export function httpMetrics(catalog: MetricCatalog) {
  return (request: RoutedRequest, response: ServerResponse, next: () => void): void => {
    const started = performance.now();
    response.once('finish', () => {
      const labels = {
        method: request.method ?? 'UNKNOWN',
        route: routeOf(request),
        status: String(response.statusCode),
      };
      catalog.httpRequests.inc(labels);
      catalog.httpRequestDuration.observe(labels, (performance.now() - started) / 1000);
    });
    next();
  };
}

/** The pattern of Nest's not-found handler, which takes every request no route of ours took. */
const NOT_FOUND_ROUTE = '{/*splat}';

function routeOf(request: RoutedRequest): string {
  const path = request.route?.path;
  return typeof path === 'string' && path !== NOT_FOUND_ROUTE ? `${request.baseUrl ?? ''}${path}` : UNMATCHED_ROUTE;
}
