import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** States of a BullMQ queue counted by `meridian_queue_jobs`; finished jobs are Postgres's business. */
export const QUEUE_JOB_STATES = ['waiting', 'prioritized', 'delayed', 'active'] as const;
export type QueueJobState = (typeof QUEUE_JOB_STATES)[number];

/** How an execution ended for good. */
export type ExecutionEnd = 'succeeded' | 'dead' | 'cancelled';
/** How one attempt ended: the attempt outcomes of Postgres, in lower case. */
export type AttemptEnd = 'succeeded' | 'failed' | 'timed_out' | 'cancelled' | 'interrupted';
/** What the scheduler did with a schedule tick. */
export type TickEnd = 'handled' | 'stale' | 'failed';
/** What the reconciler put back. */
export type RepairKind = 'execution_requeued' | 'tick_rearmed' | 'dependents_settled';
export type PoolClientState = 'in_use' | 'idle' | 'waiting';

/** Seconds, from a few milliseconds (a quick http call) to ten minutes (a long handler). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600];
/** Seconds late, from on time to a scheduler or worker pool that fell a few minutes behind. */
const LATENESS_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300];
/** Seconds per api request. */
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Fills a gauge at scrape time; the process that knows the numbers sets it (see {@link MetricCatalog.measure}). */
type GaugeSource = () => Promise<void> | void;

/**
 * Every Meridian metric, in one place, with its help text and its labels. Each process registers the
 * counters and histograms, and a process moves those it knows of (a labelled one nobody moves has no
 * series); a gauge shows only in the process that measures it (see {@link MetricCatalog.measure}). Label
 * values are bounded: queue and handler names come from the configuration and the handler catalog,
 * namespaces are a handful, outcomes and kinds are the enums above; never an id.
 */
export class MetricCatalog {
  private readonly sources = new Map<unknown, GaugeSource>();

  readonly queueJobs: Gauge<'queue' | 'state'>;
  readonly executionsEnded: Counter<'namespace' | 'queue' | 'handler' | 'outcome'>;
  readonly attemptDuration: Histogram<'queue' | 'handler' | 'outcome'>;
  readonly startLateness: Histogram<'queue'>;
  readonly outboxBacklogRows: Gauge;
  readonly outboxOldestAge: Gauge;
  readonly reconcilerRepairs: Counter<'kind'>;
  readonly scheduleTicks: Counter<'outcome'>;
  readonly occurrences: Counter<'outcome'>;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly postgresPoolClients: Gauge<'state'>;

  constructor(readonly registry: Registry) {
    const registers = [registry];
    this.queueJobs = this.gauge('meridian_queue_jobs', 'Jobs in each BullMQ queue, by state.', ['queue', 'state']);
    this.executionsEnded = new Counter({
      name: 'meridian_executions_ended_total',
      help: 'Executions that reached a final status (succeeded, dead, cancelled), counted by the worker that ended them.',
      labelNames: ['namespace', 'queue', 'handler', 'outcome'],
      registers,
    });
    this.attemptDuration = new Histogram({
      name: 'meridian_attempt_duration_seconds',
      help: "How long a handler's attempt ran, by how it ended.",
      labelNames: ['queue', 'handler', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.startLateness = new Histogram({
      name: 'meridian_start_lateness_seconds',
      help: "An execution's first attempt start minus the time it was due.",
      labelNames: ['queue'],
      buckets: LATENESS_BUCKETS,
      registers,
    });
    this.outboxBacklogRows = this.gauge('meridian_outbox_backlog_rows', 'Outbox rows not yet relayed to Redis.', []);
    this.outboxOldestAge = this.gauge(
      'meridian_outbox_oldest_age_seconds',
      'Age of the oldest outbox row not yet relayed; 0 when the outbox is empty.',
      [],
    );
    this.reconcilerRepairs = new Counter({
      name: 'meridian_reconciler_repairs_total',
      help: 'What the reconciler put back: executions enqueued again, ticks re-armed, dependents settled, children of ended parents cancelled, parked parents enqueued again.',
      labelNames: ['kind'],
      registers,
    });
    this.scheduleTicks = new Counter({
      name: 'meridian_schedule_ticks_total',
      help: "Recurring jobs' schedule ticks the scheduler handled, found stale, or failed on.",
      labelNames: ['outcome'],
      registers,
    });
    this.occurrences = new Counter({
      name: 'meridian_occurrences_total',
      help: 'Occurrences of recurring jobs recorded in the ledger, by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    this.httpRequests = new Counter({
      name: 'meridian_http_requests_total',
      help: 'Requests the api answered, by route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpRequestDuration = new Histogram({
      name: 'meridian_http_request_duration_seconds',
      help: 'Time from a request arriving to its response being sent, by route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.postgresPoolClients = this.gauge(
      'meridian_postgres_pool_clients',
      "Connections of the process's Postgres pool in use and idle, and queries waiting for one.",
      ['state'],
    );
  }

  /**
   * Makes `source` fill `gauge` at each scrape, and only then shows the gauge in this process's
   * `/metrics`: a gauge nobody here measures would read 0 (an empty outbox on the api, say) where it
   * means "not known here". One source per gauge: the process that owns the numbers (the scheduler
   * for queues and the outbox, every process for its own pool).
   */
  measure<L extends string>(gauge: Gauge<L>, source: GaugeSource): void {
    if (!this.sources.has(gauge)) {
      this.registry.registerMetric(gauge);
    }
    this.sources.set(gauge, source);
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> {
    const sources = this.sources;
    return new Gauge({
      name,
      help,
      labelNames,
      registers: [],
      async collect() {
        await sources.get(this)?.();
      },
    });
  }
}
