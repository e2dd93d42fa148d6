/**
 * A request that got no answer: the API could not be reached (refused, reset, DNS, TLS). `cause` is
 * the error fetch threw. An aborted request is not one: it rejects with its signal's reason.
 */
export class MeridianNetworkError extends Error {
  override readonly name = 'MeridianNetworkError';
  readonly url: string;

  constructor(url: string, cause: unknown) {
    super(`could not reach ${url}: ${reasonOf(cause)}`, { cause });
    this.url = url;
  }
}

/**
 * Node's fetch throws `TypeError: fetch failed` and keeps the reason in `cause`: an Error with a
 * `code` (ECONNREFUSED, ENOTFOUND …), or an AggregateError of one per address tried. Read by shape,
 * not `instanceof`: the error may come from another realm (a VM context, a test runner).
 */
function reasonOf(error: unknown): string {
  const { message, cause } = fieldsOf(error);
  if (cause === undefined) {
    return message ?? String(error);
  }
  const reason = fieldsOf(cause);
  if (reason.message === undefined || reason.message === '') {
    return reason.code ?? message ?? String(error);
  }
  return reason.code === undefined || reason.message.includes(reason.code)
    ? reason.message
    : `${reason.code} ${reason.message}`;
}

function fieldsOf(value: unknown): { message?: string; code?: string; cause?: unknown } {
  if (typeof value !== 'object' || value === null) {
    return {};
  }
  const { message, code, cause } = value as Record<string, unknown>;
  return {
    ...(typeof message === 'string' ? { message } : {}),
    ...(typeof code === 'string' ? { code } : {}),
    ...(cause === undefined ? {} : { cause }),
  };
}
