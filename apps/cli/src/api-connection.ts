import { CliError } from './cli-error.js';
import { ExitCode } from './exit-codes.js';

/** Where `meridian` looks for the API when neither `--url` nor `MERIDIAN_URL` says: `pnpm start`'s API. */
export const DEFAULT_API_URL = 'http://localhost:3000';

/** The options every command takes, before or after its name. */
export interface GlobalOptions {
  /** The API's base URL; overrides `MERIDIAN_URL`. */
  url?: string;
  /** The API key; overrides `MERIDIAN_API_KEY`. */
  apiKey?: string;
  /** Print the API's answers as JSON. */
  json?: boolean;
}

/** The environment variables `meridian` reads, and nothing else of the environment. */
export interface CliEnvironment {
  MERIDIAN_URL?: string;
  MERIDIAN_API_KEY?: string;
}

/** The API a command speaks to, and as whom. */
export interface ApiConnection {
  url: string;
  apiKey: string;
}

/** The API's base URL: `--url`, else `MERIDIAN_URL`, else `DEFAULT_API_URL`. */
export function apiUrlOf(options: GlobalOptions, env: CliEnvironment): string {
  const url = nonEmpty(options.url) ?? nonEmpty(env.MERIDIAN_URL) ?? DEFAULT_API_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(ExitCode.Usage, [`the API URL ${url} is not a URL: give one like ${DEFAULT_API_URL}.`]);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CliError(ExitCode.Usage, [`the API URL ${url} is not an http(s) URL.`]);
  }
  // The client appends /v1/… to the base URL: a trailing slash would double it.
  return url.replace(/\/+$/, '');
}

/**
 * The URL and the key, from the flags first and the environment second. A missing key is an
 * authentication failure (exit 5) caught before any request: every `/v1` route needs one.
 */
export function apiConnectionOf(options: GlobalOptions, env: CliEnvironment): ApiConnection {
  const url = apiUrlOf(options, env);
  const apiKey = nonEmpty(options.apiKey) ?? nonEmpty(env.MERIDIAN_API_KEY);
  if (apiKey === undefined) {
    throw new CliError(ExitCode.Auth, [
      'no API key: set MERIDIAN_API_KEY (export MERIDIAN_API_KEY=mk_…) or pass --api-key. ' +
        'Create a first key with `pnpm keys:create --name me --scopes admin` on the API host.',
    ]);
  }
  return { url, apiKey };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
