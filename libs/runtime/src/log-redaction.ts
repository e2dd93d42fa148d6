/** Request and response headers that carry credentials: API keys, Bull Board's Basic password, sessions. */
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'cookie', 'proxy-authorization', 'set-cookie'];

/**
 * What pino blanks out of every log line, in every process: credential headers wherever a request or
 * response is logged, and the `headers` of a job's http payload (tenants put their own credentials
 * there) wherever a job, its payload or its BullMQ data is. The request serializers already keep no
 * header at all, and no log line is meant to hold a payload; these paths are the second line, for a
 * line that would. Paths are explicit, not wildcards, so a log line costs no more than before.
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  ...['req', 'res', 'request', 'response', 'err.request', 'err.response', 'err.config'].flatMap((holder) =>
    CREDENTIAL_HEADERS.map((header) => `${holder}.headers["${header}"]`),
  ),
  ...['payload', 'job.payload', 'data.payload', 'dispatch.payload', 'spec.payload'].map(
    (holder) => `${holder}.headers`,
  ),
];

/** What a redacted value reads as. */
export const REDACTED = '[redacted]';
