import { createMeridianClient, MeridianApiError, type MeridianClient, unwrap } from '@meridian/client/browser';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/**
 * Who is signed in: a client that sends the API key with every request. The key lives only in this
 * object, in memory: never in localStorage, sessionStorage or a cookie, so closing or reloading the
 * tab signs out and no other page of the origin can read it.
 */
export interface Session {
  client: MeridianClient;
  /** The key's id (the part between `mk_` and the secret), to show who is signed in. */
  keyId: string;
  signOut: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) {
    throw new Error('useSession outside a signed-in console');
  }
  return session;
}

/** The API this console was served by: same origin, so no CORS and no base URL to configure. */
export function clientFor(apiKey: string): MeridianClient {
  return createMeridianClient({ baseUrl: window.location.origin, apiKey });
}

/** The id part of a key `mk_<id>_<secret>`, or a short prefix of anything else. */
export function keyIdOf(apiKey: string): string {
  const match = /^mk_([^_]+)_/.exec(apiKey);
  return match?.[1] ?? `${apiKey.slice(0, 8)}…`;
}

/** Checks a key by reading one job: answers null when the API took it, else why it did not. */
export async function checkKey(client: MeridianClient): Promise<string | null> {
  try {
    unwrap(await client.GET('/v1/jobs', { params: { query: { limit: 1 } } }));
    return null;
  } catch (error) {
    if (error instanceof MeridianApiError && (error.status === 401 || error.status === 403)) {
      return error.problem?.detail ?? error.problem?.title ?? 'The API refused this key.';
    }
    return describeError(error);
  }
}

/** One line for a person: the problem's detail and each refused field, or the error's message. */
export function describeError(error: unknown): string {
  if (error instanceof MeridianApiError && error.problem !== undefined) {
    const { detail, title, errors = [] } = error.problem;
    const fields = errors.map((issue) => `${issue.path}: ${issue.message}`);
    return [detail ?? title, ...fields].join(' · ');
  }
  return error instanceof Error ? error.message : String(error);
}
