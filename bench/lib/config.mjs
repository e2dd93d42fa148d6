// Every size and setting of the suite, read from the environment once. BENCH_FULL=1 switches the
// defaults to the sizes issue 10 asks for; any single variable still overrides its own default.
const FULL = process.env.BENCH_FULL === '1';

function int(name, quick, full = quick) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') {
    return FULL ? full : quick;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, not ${JSON.stringify(raw)}`);
  }
  return value;
}

const settings = {
  full: FULL,
  /** Rounds of every benchmark; each figure is the median over them. */
  rounds: int('BENCH_ROUNDS', 3),
  /** Attempts run at once: Meridian's WORKER_CONCURRENCY, the BullMQ baseline's, graphile-worker's. */
  concurrency: int('BENCH_CONCURRENCY', 100),
  /** Jobs per batch request, per addBulk, per pg-boss insert and graphile addJobs. */
  chunk: int('BENCH_CHUNK', 1000),
  b1: {
    /** Jobs per run created through the batch route (and by the baselines and peers). */
    jobs: int('BENCH_B1_JOBS', 10_000, 50_000),
    /** Jobs per run created one request at a time (50,000 under BENCH_FULL, like the batch route). */
    singleJobs: int('BENCH_B1_SINGLE_JOBS', 10_000, 50_000),
    /** HTTP clients sending single creates, each one request at a time. */
    clients: int('BENCH_B1_CLIENTS', 50),
  },
  b2: {
    /** pg-boss: workers (`work` calls) × batchSize = jobs in flight, kept equal to the concurrency. */
    pgBossWorkers: int('BENCH_PGBOSS_WORKERS', 4),
    /** graphile-worker: jobs locked per fetch into its local queue. */
    graphileLocalQueue: int('BENCH_GRAPHILE_LOCAL_QUEUE', 500),
  },
  b3: {
    rate: int('BENCH_B3_RATE', 500),
    seconds: int('BENCH_B3_SECONDS', 10, 20),
    /** Seconds of POSTs at the same rate before the measured ones, not counted (0: none). */
    warmupSeconds: int('BENCH_B3_WARMUP_SECONDS', 2),
    /** Connections the open-loop driver may open; requests beyond them wait in its queue (and that wait counts). */
    connections: int('BENCH_B3_CONNECTIONS', 256),
    /** A request not answered within this is counted as a timeout. */
    timeoutMs: int('BENCH_B3_TIMEOUT_MS', 10_000),
  },
  b4: {
    /** Jobs delayed to one instant. */
    delayedJobs: int('BENCH_B4_DELAYED_JOBS', 10_000),
    /** Milliseconds between the start of the creates and the instant they are all due. */
    leadMs: int('BENCH_B4_LEAD_MS', 20_000),
    /** Recurring jobs firing every second. */
    schedules: int('BENCH_B4_SCHEDULES', 1_000),
    /** How long the recurring jobs run, in seconds. */
    scheduleSeconds: int('BENCH_B4_SCHEDULE_SECONDS', 20, 60),
  },
  b5: {
    base: int('BENCH_B5_BASE', 2_000, 10_000),
    factors: (process.env.BENCH_B5_FACTORS ?? '1,5,10').split(',').map(Number),
  },
  b6: {
    diamonds: int('BENCH_B6_DIAMONDS', 1_000),
    /** Diamonds side by side in one workflow (one POST /v1/workflows); 1: a workflow per diamond. */
    perWorkflow: int('BENCH_B6_PER_WORKFLOW', 10, 1),
    /** Workflow creates in flight at once. */
    clients: int('BENCH_B6_CLIENTS', 10),
  },
  /** How often completion is polled in Postgres (or Redis), in ms. */
  pollMs: int('BENCH_POLL_MS', 50),
  /** A run that has not completed after this long is given up (and reported as stuck). */
  runTimeoutMs: int('BENCH_RUN_TIMEOUT_MS', 300_000, 1_200_000),
};

/**
 * The settings in force: read from the environment, or, for `report.mjs` re-rendering an earlier
 * run, exactly those that run recorded (BENCH_CONFIG_JSON).
 */
export const config = process.env.BENCH_CONFIG_JSON ? JSON.parse(process.env.BENCH_CONFIG_JSON) : settings;
