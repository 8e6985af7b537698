// The delivery path's records as flat value lists, in a fixed order: how they cross between the
// SQLite thread and the main thread (threaded-store.ts). Structured clone writes, and the other
// side reads and interns, every property name of every object; a list of values skips that, and
// is the order the SQL statements bind anyway. Headers cross as the JSON text they are stored as.
import type { HeraldEvent, Subscription } from '../../domain/glossary.js';
import { STATUS_NUMBER } from '../../domain/glossary.js';
import type { HealthSignal } from '../../domain/health.js';
import type { FilterFailure } from '../../fanout/subscription-filter.js';
import type { DeliveryJob, DeliveryOutcome, IngestRequest, IngestResult } from '../store.js';

/** A DeliveryJob without its subscription, which crosses once per call (JobBatch). */
export type JobValues = [
  messageId: string,
  eventId: string,
  eventType: string,
  eventCreatedAt: number,
  dataJson: string,
  attempts: number,
  retries: number,
  manual: boolean,
  /** Index of the job's subscription in its JobBatch. */
  subscription: number,
  subscriberEnabled: boolean,
];

/** Jobs as they cross: each subscription once, the jobs referring to it by index. */
export type JobBatch = [subscriptions: Subscription[], jobs: JobValues[]];

/** Packs jobs, each distinct subscription object once. */
export function jobBatch(jobs: readonly DeliveryJob[]): JobBatch {
  const subscriptions: Subscription[] = [];
  const index = new Map<Subscription, number>();
  const values = jobs.map((j): JobValues => {
    let i = index.get(j.subscription);
    if (i === undefined) {
      i = subscriptions.push(j.subscription) - 1;
      index.set(j.subscription, i);
    }
    return [j.messageId, j.eventId, j.eventType, j.eventCreatedAt, j.dataJson, j.attempts, j.retries, j.manual, i, j.subscriberEnabled];
  });
  return [subscriptions, values];
}

/** The jobs of a JobBatch; jobs of one subscription share its object. */
export function jobsFromBatch([subscriptions, jobs]: JobBatch): DeliveryJob[] {
  return jobs.map((v) => ({
    messageId: v[0],
    eventId: v[1],
    eventType: v[2],
    eventCreatedAt: v[3],
    dataJson: v[4],
    attempts: v[5],
    retries: v[6],
    manual: v[7],
    subscription: subscriptions[v[8]] as Subscription,
    subscriberEnabled: v[9],
  }));
}

/** An AttemptOutcome, in the order recordAttempts binds it, and its health signal. */
export type OutcomeValues = [
  status: number,
  attempts: number,
  retries: number,
  nextAttemptAt: number | null,
  statusCode: number | null,
  error: string | null,
  createdAt: number,
  messageId: string,
  id: string,
  subscriptionId: string,
  subscriberId: string,
  eventType: string,
  durationMs: number,
  requestHeadersJson: string,
  responseHeadersJson: string,
  responseBody: string,
  trigger: string,
  health: HealthSignal | null,
  probe: boolean,
];

/** A DeferredOutcome (three values, where an attempt's are nineteen). */
export type DeferredValues = [messageId: string, subscriptionId: string, nextAttemptAt: number];

export function outcomeValues(o: DeliveryOutcome): OutcomeValues | DeferredValues {
  if (!('attempt' in o)) return [o.messageId, o.subscriptionId, o.nextAttemptAt];
  const a = o.attempt;
  return [
    STATUS_NUMBER[o.status],
    o.attempts,
    o.retries,
    o.nextAttemptAt,
    a.statusCode,
    a.error,
    a.createdAt,
    a.messageId,
    a.id,
    a.subscriptionId,
    a.subscriberId,
    a.eventType,
    a.durationMs,
    JSON.stringify(a.requestHeaders),
    JSON.stringify(a.responseHeaders),
    a.responseBody,
    a.trigger,
    o.health,
    o.probe === true,
  ];
}

/** An IngestRequest. */
export type RequestValues = [
  id: string,
  type: string,
  dataJson: string,
  idempotencyKey: string | null,
  subscriberId: string | null,
  channels: string[] | null,
  createdAt: number,
  requestHash: string | null,
];

export function requestValues({ event: e, requestHash }: IngestRequest): RequestValues {
  return [e.id, e.type, e.dataJson, e.idempotencyKey, e.subscriberId, e.channels, e.createdAt, requestHash];
}

export function requestFromValues(v: RequestValues): IngestRequest {
  const event: HeraldEvent = {
    id: v[0],
    type: v[1],
    dataJson: v[2],
    idempotencyKey: v[3],
    subscriberId: v[4],
    channels: v[5],
    createdAt: v[6],
  };
  return { event, requestHash: v[7] };
}

/** An ingest result as the SQLite thread sends it back: a created one as its message count, without
 *  the event (the caller has it); any other as it is. The leased jobs of the whole call cross once,
 *  as one JobBatch beside the results (PackedIngest), and the filter failures of created results
 *  (rare) by result index. */
export type PackedIngestResult = number | Exclude<IngestResult, { status: 'created' }>;
export type PackedIngest = [results: PackedIngestResult[], leased: JobBatch | null, filterErrors: [number, FilterFailure[]][] | null];

export function packIngest(results: IngestResult[]): PackedIngest {
  const leased: DeliveryJob[] = [];
  let filterErrors: [number, FilterFailure[]][] | null = null;
  const packed = results.map((r, i): PackedIngestResult => {
    if (r.status !== 'created') return r;
    if (r.leased) for (const job of r.leased) leased.push(job);
    if (r.filterErrors) {
      filterErrors ??= [];
      filterErrors.push([i, r.filterErrors]);
    }
    return r.messages;
  });
  return [packed, leased.length > 0 ? jobBatch(leased) : null, filterErrors];
}

export function unpackIngest([packed, leased, filterErrors]: PackedIngest, requests: readonly IngestRequest[]): IngestResult[] {
  const byEvent = new Map<string, DeliveryJob[]>();
  if (leased) {
    for (const job of jobsFromBatch(leased)) {
      const list = byEvent.get(job.eventId);
      if (list) list.push(job);
      else byEvent.set(job.eventId, [job]);
    }
  }
  const failures = filterErrors === null ? null : new Map(filterErrors);
  return packed.map((r, i): IngestResult => {
    if (typeof r !== 'number') return r;
    const event = (requests[i] as IngestRequest).event;
    const jobs = byEvent.get(event.id);
    const created: Extract<IngestResult, { status: 'created' }> = { status: 'created', event, messages: r };
    if (jobs) created.leased = jobs;
    const failed = failures?.get(i);
    if (failed) created.filterErrors = failed;
    return created;
  });
}
