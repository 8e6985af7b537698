// The attempt pipeline (DESIGN.md §3): one attempt of one message, stage by stage, each stage a
// module of its own:
//   gate      (gate.ts)        may it be sent at all: the subscription enabled, its breaker closed
//                              (or this job its probe); held back by the breaker, the job ends here
//                              as a deferred outcome: no attempt, the message due again later
//   format    (formats/)       the body and its Content-Type, by the subscription's payload format
//   authorize (auth/)          Standard Webhooks signature (when `signing`), and the subscription's
//                              auth method towards the receiver (JWT, Basic, OAuth 2.0, API key);
//                              an OAuth 2.0 token endpoint failing ends the job here (auth_failed)
//   send      (http-client.ts) one request through the SSRF guard; one deadline for the attempt
//                              (timeoutSeconds), shared by a token fetch, the send and a resend
//   classify  (classify.ts)    what the result means for the message: one table
// and the attempt as it is recorded, with credentials redacted. A 401 to a request whose auth method
// can refresh its credential (OAuth 2.0) is resent once at once, authorized afresh, within the same
// attempt: only the resend is recorded and counted. The dispatcher decides when attempts run and
// records their outcomes; this decides what one attempt is.
import type { Attempt } from '../domain/glossary.js';
import { newId } from '../domain/ids.js';
import type { RetrySettings } from '../domain/retry-policy.js';
import type { DeliveryJob, DeliveryOutcome } from '../store/store.js';
import type { AttemptContext } from './attempt-context.js';
import { authorize, type OutgoingRequest, unauthorized } from './auth/index.js';
import { type AttemptResult, classify, type EndpointSignal, type NextState, type NotSent, nextState } from './classify.js';
import type { EventDescriptions } from './event-descriptions.js';
import { FormatError, formatRequest } from './formats/index.js';
import { gate, type ProbeGate } from './gate.js';
import type { HttpClient, HttpRequest } from './http-client.js';
import type { RelayRoutes } from './relay.js';

export interface PipelineOptions extends RetrySettings {
  userAgent: string;
  /** Where a job of a subscription whose breaker awaits its probe asks to be it. */
  probes: ProbeGate;
  /** Herald's public base URL, no trailing slash (publicBaseUrl(config)): cloudblue's `api_url`. */
  publicUrl: string;
  /** The catalogue's event type descriptions (event-descriptions.ts), for templates; none: ''. */
  descriptions?: Pick<EventDescriptions, 'ready' | 'describe'>;
  /** This process's relays (`herald listen --subscription`, relay.ts). */
  relays?: RelayRoutes;
}

const NO_DESCRIPTION = (): string => '';

const REDACTED = '[redacted]'; // what attempts record for credentials and custom header values (often receivers' credentials)

/** The request headers as an attempt records them (and a preview shows them): the headers auth
 *  methods set as credentials and the custom header values (sealed at rest in the subscription) are
 *  not copied in the clear. A preview may show the custom values to callers who may read them. */
export function recordedHeaders(
  request: OutgoingRequest,
  custom: Record<string, string>,
  mask: { credential: string; custom: string | null } = { credential: REDACTED, custom: REDACTED },
): Record<string, string> {
  const out = { ...request.headers };
  for (const name of Object.keys(out)) if (request.credentials.has(name.toLowerCase())) out[name] = mask.credential;
  if (mask.custom !== null) for (const name of Object.keys(custom)) if (out[name] !== undefined) out[name] = mask.custom;
  return out;
}

/** The authorize stage's signature: sign, then the auth method (auth/index.ts). A preview passes
 *  one that fetches no token. */
export type AuthorizeStage = typeof authorize;

/** A body to send, or the reason there is none (format_error). */
type Formatted = { body: string | null; contentType: string | null } | NotSent;

/** `job`'s body by its subscription's payload format (formats/), or why it has none. */
function formatOne(job: DeliveryJob, context: AttemptContext): Formatted {
  try {
    return formatRequest(job, context);
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    return { kind: 'not_sent', code: 'format_error', message: err.message, durationMs: 0 };
  }
}

/** The request for `job` (format, then authorize), or the reason it cannot be sent. The preview
 *  (preview.ts) runs this very stage, with its own authorize stage, so what it shows is what an
 *  attempt sends; a batch (runBatchAttempt) formats its members' bodies as one. */
export async function prepare(
  job: DeliveryJob,
  context: AttemptContext,
  authorizeStage: AuthorizeStage = authorize,
  format: (context: AttemptContext) => Formatted = (c) => formatOne(job, c),
  extraHeaders: Record<string, string> = {},
): Promise<OutgoingRequest | NotSent> {
  const formatted = format(context);
  if ('kind' in formatted) return formatted;
  const request: OutgoingRequest = {
    headers: { ...job.subscription.headers, ...extraHeaders, 'user-agent': context.userAgent },
    body: formatted.body ?? '',
    credentials: new Set(),
  };
  const started = performance.now();
  const failure = await authorizeStage(job, request, context);
  if (failure !== null) return { kind: 'not_sent', code: 'auth_failed', message: failure.reason, durationMs: performance.now() - started };
  if (formatted.contentType !== null) request.headers['content-type'] = formatted.contentType;
  return request;
}

/** Sends `request` for `job` within what is left of the attempt's deadline: to the subscription's
 *  URL, or through its relay while a listener is connected (relay.ts), which answers like HTTP. */
function send(job: DeliveryJob, request: OutgoingRequest, context: AttemptContext): Promise<AttemptResult> {
  const { subscription } = job;
  const req: HttpRequest = {
    url: subscription.url,
    method: subscription.method,
    headers: request.headers,
    body: subscription.method === 'GET' ? null : request.body,
    timeoutMs: Math.max(1, Math.round(context.deadline - Date.now())),
  };
  const relay = context.relays?.get(subscription.id);
  return relay ? relay.send(req) : context.client.send(req);
}

/** Prepares and sends `job`'s request, resending it once, authorized afresh, after a 401 its auth
 *  method may cure; returns the result and the request it is the result of (null: none sent). */
async function exchange(
  job: DeliveryJob,
  context: AttemptContext,
  format?: (context: AttemptContext) => Formatted,
  extraHeaders?: Record<string, string>,
): Promise<{ result: AttemptResult; sent: OutgoingRequest | null }> {
  const prepared = await prepare(job, context, authorize, format, extraHeaders);
  if ('kind' in prepared) return { result: prepared, sent: null };
  const result = await send(job, prepared, context);
  if (result.kind === 'response' && result.statusCode === 401 && unauthorized(job, prepared)) {
    const again = await prepare(job, { ...context, now: Date.now() }, authorize, format, extraHeaders);
    if ('kind' in again) return { result: again, sent: null };
    return { result: await send(job, again, context), sent: again };
  }
  return { result, sent: prepared };
}

/** What one run of the pipeline gives the dispatcher: the outcome to record, and what the result
 *  said about the endpoint (for its share of the delivery slots, fairness.ts; not recorded). */
export type DeliveryRun = DeliveryOutcome & { signal: EndpointSignal };

/** Reads the catalogue descriptions a template of `jobs` may show (event.description), if not fresh. */
async function descriptionsReady(jobs: readonly DeliveryJob[], options: PipelineOptions): Promise<void> {
  if (options.descriptions === undefined) return;
  for (const job of jobs) if (job.subscription.payloadFormat === 'template') await options.descriptions.ready(job.eventType);
}

/** The attempt's context: its time, deadline and what stages share. */
function contextOf(job: DeliveryJob, createdAt: number, client: HttpClient, options: PipelineOptions): AttemptContext {
  return {
    now: createdAt,
    publicUrl: options.publicUrl,
    client,
    deadline: createdAt + Math.round(job.subscription.timeoutSeconds * 1000),
    userAgent: options.userAgent,
    describe: options.descriptions?.describe ?? NO_DESCRIPTION,
    ...(options.relays ? { relays: options.relays } : {}),
  };
}

/** The attempt of `job` as it is recorded, with the result's next state for its message. */
function outcomeOf(
  job: DeliveryJob,
  result: AttemptResult,
  sent: OutgoingRequest | null,
  state: NextState,
  createdAt: number,
  probe: boolean,
): DeliveryRun {
  const { subscription } = job;
  const attempt: Attempt = {
    id: newId('att', createdAt),
    messageId: job.messageId,
    subscriptionId: subscription.id,
    subscriberId: subscription.subscriberId,
    eventType: job.eventType,
    statusCode: result.kind === 'response' ? result.statusCode : null,
    durationMs: Math.round(result.durationMs * 100) / 100,
    error: result.kind !== 'response' ? `${result.code}: ${result.message}` : result.statusCode >= 300 ? `HTTP ${result.statusCode}` : null,
    requestHeaders: sent === null ? {} : recordedHeaders(sent, subscription.headers),
    responseHeaders: result.kind === 'response' ? result.headers : {},
    responseBody: result.kind === 'response' ? result.body : '',
    trigger: job.manual ? 'manual' : 'scheduled',
    createdAt,
  };
  return { attempt, attempts: job.attempts + 1, ...state, ...(probe ? { probe } : {}), signal: classify(result).signal };
}

/** Makes one attempt of `job` and works out the message's next state; or, held back by its
 *  subscription's breaker, makes none and says when the message is due again. */
export async function runAttempt(job: DeliveryJob, client: HttpClient, options: PipelineOptions): Promise<DeliveryRun> {
  const createdAt = Date.now();
  const { subscription } = job;
  const passed = await gate(job, createdAt, options.probes);
  if ('kind' in passed && classify(passed).verdict === 'hold' && passed.code === 'breaker_open') {
    return { deferred: true, messageId: job.messageId, subscriptionId: subscription.id, nextAttemptAt: passed.until, signal: 'neutral' };
  }
  const probe = !('kind' in passed) && passed.probe;
  if (!('kind' in passed)) await descriptionsReady([job], options);
  const { result, sent } =
    'kind' in passed ? { result: passed, sent: null } : await exchange(job, contextOf(job, createdAt, client, options));
  const state = nextState(job.retries, subscription.retrySchedule, result, options, Date.now());
  return outcomeOf(job, result, sent, state, createdAt, probe);
}

/** The header naming a batch request's members, in body order (README, "Batches"). */
export const BATCH_HEADER = 'webhook-batch';
const BATCH_HEADER_RECORDED = 32; // member ids an attempt record keeps of the header (each member records its own attempt)

/**
 * Makes one attempt of a batch: `jobs` (one subscription's messages, in creation order) as one
 * request whose body is the JSON array of their payloads, each formatted as its own request would
 * be. The request is gated, signed (its `webhook-id` a fresh batch id) and authorized once; its
 * result is every member's: one outcome per member, each with its own attempt record and next
 * state (members with the same retries get the same next attempt time, so they come back
 * together). A member its format refuses fails alone and stays out of the body. The endpoint's
 * health counts the request once: the first member sent carries its signal, the others none.
 */
export async function runBatchAttempt(jobs: DeliveryJob[], client: HttpClient, options: PipelineOptions): Promise<DeliveryRun[]> {
  const createdAt = Date.now();
  const lead = jobs[0];
  if (lead === undefined) return [];
  const passed = await gate(lead, createdAt, options.probes);
  if ('kind' in passed && classify(passed).verdict === 'hold' && passed.code === 'breaker_open') {
    const until = passed.until;
    return jobs.map(
      (job): DeliveryRun => ({
        deferred: true,
        messageId: job.messageId,
        subscriptionId: job.subscription.id,
        nextAttemptAt: until,
        signal: 'neutral',
      }),
    );
  }
  const probe = !('kind' in passed) && passed.probe;
  const context = contextOf(lead, createdAt, client, options);
  const members: DeliveryJob[] = [];
  const bodies: string[] = [];
  const runs: DeliveryRun[] = [];
  const settle = (job: DeliveryJob, result: AttemptResult, sent: OutgoingRequest | null, state: NextState, first: boolean) =>
    runs.push(outcomeOf(job, result, sent, first ? state : { ...state, health: null }, createdAt, first && probe));
  if (!('kind' in passed)) {
    await descriptionsReady(jobs, options);
    for (const job of jobs) {
      const formatted = formatOne(job, context);
      if ('kind' in formatted)
        settle(job, formatted, null, nextState(job.retries, job.subscription.retrySchedule, formatted, options, Date.now()), false);
      else {
        members.push(job);
        bodies.push(formatted.body ?? 'null');
      }
    }
  } else members.push(...jobs);
  if (members.length > 0) {
    const batchJob: DeliveryJob = { ...lead, messageId: newId('bat', createdAt) }; // signed as the batch: webhook-id is the batch id
    const body = `[${bodies.join(',')}]`;
    const { result, sent } =
      'kind' in passed
        ? { result: passed, sent: null }
        : await exchange(batchJob, context, () => ({ body, contentType: 'application/json' }), {
            [BATCH_HEADER]: members.map((m) => m.messageId).join(','),
          });
    if (sent !== null && members.length > BATCH_HEADER_RECORDED) {
      // The record keeps the first ids and the count: every member records the attempt, and the
      // whole list in each would grow as the square of the batch.
      const kept = members.slice(0, BATCH_HEADER_RECORDED).map((m) => m.messageId);
      sent.headers = { ...sent.headers, [BATCH_HEADER]: `${kept.join(',')},... (${members.length} in all)` };
    }
    const now = Date.now();
    const states = new Map<string, NextState>(); // by retries and schedule: members retried together stay together
    for (const [i, job] of members.entries()) {
      const key = `${job.retries}/${JSON.stringify(job.subscription.retrySchedule)}`;
      let state = states.get(key);
      if (state === undefined) {
        state = nextState(job.retries, job.subscription.retrySchedule, result, options, now);
        states.set(key, state);
      }
      settle(job, result, sent, state, i === 0);
    }
  }
  return runs;
}
