import type { Redis } from 'ioredis';

/**
 * Counts one request against the fixed windows of several subjects at once (an API key and its
 * namespace), in one round trip.
 *
 * KEYS: for subject i, KEYS[2i-1] its window's counter and KEYS[2i] its burst counter.
 * ARGV: [1] the window (ms), [2] the burst window (ms); then for subject i, ARGV[2i+1] its limit per
 * window and ARGV[2i+2] its burst (0: none).
 * Returns one integer per subject: -1 when it had room (in its window, or else in its burst), or else
 * the ms until it has room again (the sooner of its two windows' ends).
 *
 * Every subject counts every request, refused or not, as rate-limiter-flexible's fixed windows do;
 * a refusal lasts until a window ends, never longer. Each counter expires with its window. Atomic
 * (one script, Redis's single thread); not idempotent: each call counts one more request. On a Redis
 * Cluster, the caller puts every key of one call in one hash slot.
 */
const COUNT = `
local windowMs, burstWindowMs = tonumber(ARGV[1]), tonumber(ARGV[2])
local function spend(counter, ms)
  local used = redis.call('INCR', counter)
  if used == 1 then
    redis.call('PEXPIRE', counter, ms)
  end
  return used
end
local function waitFor(counter, ms)
  local wait = redis.call('PTTL', counter)
  if wait < 0 then
    redis.call('PEXPIRE', counter, ms)
    wait = ms
  end
  return wait
end
local result = {}
for i = 1, #KEYS / 2 do
  local counter, burstCounter = KEYS[2 * i - 1], KEYS[2 * i]
  local limit, burst = tonumber(ARGV[2 * i + 1]), tonumber(ARGV[2 * i + 2])
  result[i] = -1
  if spend(counter, windowMs) > limit then
    if burst == 0 then
      result[i] = waitFor(counter, windowMs)
    elseif spend(burstCounter, burstWindowMs) > burst then
      result[i] = math.min(waitFor(counter, windowMs), waitFor(burstCounter, burstWindowMs))
    end
  end
end
return result`;

const COMMAND = 'meridianCountRateWindows';

/** One subject of a count: its counters' keys and its limits. */
export interface RateSubject {
  /** Key of the subject's counter in the window; its burst counter is the same key with `:burst`. */
  key: string;
  /** Requests per window. */
  limit: number;
  /** Requests per burst window beyond `limit`, taken only once `limit` is spent; 0: none. */
  burst: number;
}

export interface RateWindowOptions {
  /** The window of each subject's `limit`. @defaultValue 60_000 */
  windowMs?: number;
  /** The window of each subject's `burst`. @defaultValue 600_000 */
  burstWindowMs?: number;
}

type CountCommand = (...args: (string | number)[]) => Promise<number[]>;

/**
 * Fixed-window rate counters of several subjects, counted together in one Redis round trip: a
 * steady limit per window, plus a burst allowance per longer window taken only once the steady
 * limit is spent (docs/decisions/0001-api-rate-limit-burst.md).
 */
export class RateWindowCounters {
  private readonly count: CountCommand;
  private readonly windowMs: number;
  private readonly burstWindowMs: number;

  constructor(redis: Redis, options: RateWindowOptions = {}) {
    this.windowMs = options.windowMs ?? 60_000;
    this.burstWindowMs = options.burstWindowMs ?? 600_000;
    // Sent as EVALSHA, and as EVAL only when Redis does not know the script yet.
    redis.defineCommand(COMMAND, { lua: COUNT });
    const command = (redis as unknown as Record<string, CountCommand>)[COMMAND] as CountCommand;
    this.count = command.bind(redis);
  }

  /** Counts one request of each subject; for each, null when it had room, or else the ms until it has again. */
  async consume(subjects: readonly RateSubject[]): Promise<(number | null)[]> {
    const keys = subjects.flatMap((subject) => [subject.key, `${subject.key}:burst`]);
    const limits = subjects.flatMap((subject) => [subject.limit, subject.burst]);
    const waits = await this.count(keys.length, ...keys, this.windowMs, this.burstWindowMs, ...limits);
    return waits.map((wait) => (wait < 0 ? null : wait));
  }
}
