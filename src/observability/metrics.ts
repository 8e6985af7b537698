// Prometheus metrics of this process, served at GET /metrics. One registry per process: the API
// counts what it ingests, the dispatcher counts its attempts and the attempts in flight.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const eventsIngested = new Counter({
  name: 'herald_events_ingested_total',
  help: 'Events accepted and committed (idempotent replays not counted)',
  registers: [registry],
});

export const messagesCreated = new Counter({
  name: 'herald_messages_created_total',
  help: 'Messages created by the fan-out of ingested events',
  registers: [registry],
});

export const attemptsTotal = new Counter({
  name: 'herald_attempts_total',
  help: 'Delivery attempts by outcome',
  labelNames: ['outcome'] as const, // succeeded | failed
  registers: [registry],
});
for (const outcome of ['succeeded', 'failed']) attemptsTotal.labels(outcome).inc(0); // exported at 0 before the first attempt

export const messagesHandedOff = new Counter({
  name: 'herald_messages_handed_off_total',
  help: "Messages leased to this process's dispatcher by ingest, to be sent without a claim query",
  registers: [registry],
});

export const retentionPurged = new Counter({
  name: 'herald_retention_purged_total',
  help: 'Events and messages deleted by retention (HERALD_RETENTION_DAYS), with their attempts',
  labelNames: ['kind'] as const, // events | messages
  registers: [registry],
});

export const attemptsRecorded = new Counter({
  name: 'herald_attempts_recorded_total',
  help: 'Attempts whose outcome is committed to the store (with the message state they led to)',
  registers: [registry],
});

export const attemptDuration = new Histogram({
  name: 'herald_attempt_duration_seconds',
  help: 'Duration of delivery attempts, from request start to the end of the response body read',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], // seconds
  registers: [registry],
});

/** Reads the number of attempts in flight when scraped (set by the dispatcher's owner). */
export const inflightSource = { read: (): number => 0 };

export const inflightAttempts = new Gauge({
  name: 'herald_inflight_attempts',
  help: 'Delivery attempts currently in flight',
  registers: [registry],
  collect() {
    this.set(inflightSource.read());
  },
});

/** What per-endpoint fairness looks like now (src/delivery/fairness.ts), read when scraped. */
export interface FairnessSnapshot {
  /** Endpoints with attempts in flight, by how many: the buckets of ENDPOINT_IN_FLIGHT_BUCKETS. */
  inFlight: Record<(typeof ENDPOINT_IN_FLIGHT_BUCKETS)[number], number>;
  /** Endpoints at their cap. */
  saturated: number;
  /** Jobs waiting behind their endpoint's attempts. */
  parked: number;
}

/** Labels of herald_endpoints_in_flight: how many attempts an endpoint has in flight (bounded cardinality). */
export const ENDPOINT_IN_FLIGHT_BUCKETS = ['1', '2-4', '5-16', '17-64', '65+'] as const;

/** Set by the dispatcher's owner. */
export const fairnessSource = {
  read: (): FairnessSnapshot => ({ inFlight: { '1': 0, '2-4': 0, '5-16': 0, '17-64': 0, '65+': 0 }, saturated: 0, parked: 0 }),
};

export const endpointsInFlight = new Gauge({
  name: 'herald_endpoints_in_flight',
  help: 'Endpoints (subscriptions) with attempts in flight in this process, by how many',
  labelNames: ['in_flight'] as const,
  registers: [registry],
  collect() {
    const { inFlight } = fairnessSource.read();
    for (const bucket of ENDPOINT_IN_FLIGHT_BUCKETS) this.labels(bucket).set(inFlight[bucket]);
  },
});

export const endpointsSaturated = new Gauge({
  name: 'herald_endpoints_saturated',
  help: 'Endpoints at their cap of attempts in flight (adaptive, or maxInFlight); their messages wait',
  registers: [registry],
  collect() {
    this.set(fairnessSource.read().saturated);
  },
});

export const parkedJobs = new Gauge({
  name: 'herald_parked_jobs',
  help: "Messages leased to this process waiting behind their endpoint's attempts in flight",
  registers: [registry],
  collect() {
    this.set(fairnessSource.read().parked);
  },
});

export const throttledMessages = new Counter({
  name: 'herald_throttled_messages_total',
  help: "Messages that waited for their subscription's rate limit before their attempt (counted once per lease)",
  registers: [registry],
});

export const endpointBackoffs = new Counter({
  name: 'herald_endpoint_backoffs_total',
  help: "Times an endpoint's cap of attempts in flight was halved (a timeout, connection error, 5xx or 429)",
  registers: [registry],
});
export const breakerSkipped = new Counter({
  name: 'herald_breaker_skipped_total',
  help: 'Messages an open circuit breaker pushed back without an attempt (each time one was claimed and held back)',
  registers: [registry],
});

export const subscriptionsAutoDisabled = new Counter({
  name: 'herald_subscriptions_auto_disabled_total',
  help: 'Subscriptions disabled by delivery: endpoint_gone (410 Gone) or out_of_order (failing too long)',
  labelNames: ['reason'] as const,
  registers: [registry],
});
for (const reason of ['endpoint_gone', 'out_of_order']) subscriptionsAutoDisabled.labels(reason).inc(0);

/** Counts subscriptions by health status and breaker state when scraped (set by the process's owner
 *  to the store's countSubscriptionHealth); the same in every process of a database. */
export const healthCountSource: { read: () => Promise<{ status: Record<string, number>; breaker: Record<string, number> } | null> } = {
  read: async () => null,
};

// One store query serves both gauges of a scrape.
let counted: { at: number; counts: ReturnType<typeof healthCountSource.read> } | null = null;
function healthCounts(): ReturnType<typeof healthCountSource.read> {
  const now = Date.now();
  if (counted === null || now - counted.at > 1_000) counted = { at: now, counts: healthCountSource.read().catch(() => null) };
  return counted.counts;
}

export const subscriptionsByBreaker = new Gauge({
  name: 'herald_subscriptions_by_breaker_state',
  help: 'Subscriptions by circuit breaker state: closed, open, half_open (read from the store)',
  labelNames: ['state'] as const,
  registers: [registry],
  async collect() {
    const counts = await healthCounts();
    if (counts) for (const [state, n] of Object.entries(counts.breaker)) this.labels(state).set(n);
  },
});

export const subscriptionsByHealth = new Gauge({
  name: 'herald_subscriptions_by_health',
  help: 'Subscriptions by health status: healthy, degraded, failing, disabled (read from the store)',
  labelNames: ['status'] as const,
  registers: [registry],
  async collect() {
    const counts = await healthCounts();
    if (counts) for (const [status, n] of Object.entries(counts.status)) this.labels(status).set(n);
  },
});

export const operationalEventsSent = new Counter({
  name: 'herald_operational_events_total',
  help: 'Operational events (subscription.failing, .disabled, .recovered, message.failed) this process recorded',
  registers: [registry],
});

export const filterErrorsTotal = new Counter({
  name: 'herald_filter_errors_total',
  help: "Filter expressions that failed on an event at fan-out (the event did not reach that subscription), by the failure's code; per subscription: GET /v1/subscriptions/{id}/stats",
  labelNames: ['code'] as const, // unknown_variable (a data key absent), no_such_key, no_such_overload, not_a_bool, regex_input_too_long, evaluation_too_long, ...
  registers: [registry],
});
