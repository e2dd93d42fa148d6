/** Request and response headers that carry credentials: API keys, Bull Board's Basic password, sessions. */
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'cookie', 'proxy-authorization', 'set-cookie'];

/**
 * What pino blanks out of every log line, in every process. The request log's `req` and `res` keep no
 * header at all (their serializers keep none; should one ever be logged, all of them are blanked, at
 * about a microsecond per request line). Elsewhere, the credential headers of any request or response
 * a line holds, and the `headers` of a job's http payload (tenants put their own credentials there)
 * wherever a job, its payload or its BullMQ data is logged. No log line is meant to hold any of these;
 * the paths are the second line, for one that would. They are explicit, not wildcards: a path whose
 * first key a line lacks costs that line nothing.
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  'req.headers',
  'res.headers',
  ...['request', 'response', 'err.request', 'err.response', 'err.config'].flatMap((holder) =>
    CREDENTIAL_HEADERS.map((header) => `${holder}.headers["${header}"]`),
  ),
  ...['payload', 'job.payload', 'data.payload', 'dispatch.payload', 'spec.payload'].map(
    (holder) => `${holder}.headers`,
  ),
];

/** What a redacted value reads as. */
export const REDACTED = '[redacted]';
