// The delivery path's records as flat value lists, in a fixed order: how they cross between the
// SQLite thread and the main thread (threaded-store.ts). Structured clone writes, and the other
// side reads and interns, every property name of every object; a list of values skips that, and
// is the order the SQL statements bind anyway. Headers cross as the JSON text they are stored as.
import type { HeraldEvent } from '../../domain/glossary.js';
import { STATUS_NUMBER } from '../../domain/glossary.js';
import type { AttemptOutcome, DeliveryJob, IngestRequest, IngestResult } from '../store.js';

/** A DeliveryJob; headers and retry schedule as stored (JSON text or null). */
export type JobValues = [
  messageId: string,
  eventId: string,
  eventType: string,
  eventCreatedAt: number,
  dataJson: string,
  subscriberId: string,
  subscriptionId: string,
  subscriptionEnabled: boolean,
  url: string,
  method: string,
  headersJson: string | null,
  payloadFormat: string,
  secret: string,
  previousSecret: string | null,
  previousSecretExpiresAt: number | null,
  timeoutSeconds: number,
  retryScheduleJson: string | null,
  attempts: number,
  retries: number,
  manual: boolean,
];

export function jobFromValues(v: JobValues): DeliveryJob {
  return {
    messageId: v[0],
    eventId: v[1],
    eventType: v[2],
    eventCreatedAt: v[3],
    dataJson: v[4],
    subscriberId: v[5],
    subscriptionId: v[6],
    subscriptionEnabled: v[7],
    url: v[8],
    method: v[9] as DeliveryJob['method'],
    headers: v[10] === null ? {} : (JSON.parse(v[10]) as Record<string, string>),
    payloadFormat: v[11] as DeliveryJob['payloadFormat'],
    secret: v[12],
    previousSecret: v[13],
    previousSecretExpiresAt: v[14],
    timeoutSeconds: v[15],
    retrySchedule: v[16] === null ? null : (JSON.parse(v[16]) as number[]),
    attempts: v[17],
    retries: v[18],
    manual: v[19],
  };
}

/** An AttemptOutcome, in the order recordAttempts binds it. */
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
  disableSubscription: boolean,
];

export function outcomeValues(o: AttemptOutcome): OutcomeValues {
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
    o.disableSubscription,
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

/** An ingest result whose leased jobs are value lists (SqliteStore.ingestValues). */
export type IngestValuesResult =
  | Exclude<IngestResult, { status: 'created' }>
  | { status: 'created'; event: HeraldEvent; messages: number; leased?: JobValues[] };

/** An ingest result as the SQLite thread sends it back: a created one as its message count, or
 *  [count, leased jobs], without the event (the caller has it); any other as it is. */
export type PackedIngestResult = number | [messages: number, leased: JobValues[]] | Exclude<IngestResult, { status: 'created' }>;

export function packIngestResult(r: IngestValuesResult): PackedIngestResult {
  if (r.status !== 'created') return r;
  return r.leased ? [r.messages, r.leased] : r.messages;
}

export function unpackIngestResult(packed: PackedIngestResult, request: IngestRequest): IngestResult {
  if (typeof packed === 'number') return { status: 'created', event: request.event, messages: packed };
  if (Array.isArray(packed)) return { status: 'created', event: request.event, messages: packed[0], leased: packed[1].map(jobFromValues) };
  return packed;
}
