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
import { type AttemptResult, classify, type EndpointSignal, type NotSent, nextState } from './classify.js';
import { FormatError, formatRequest } from './formats/index.js';
import { gate, type ProbeGate } from './gate.js';
import type { HttpClient } from './http-client.js';

export interface PipelineOptions extends RetrySettings {
  userAgent: string;
  /** Where a job of a subscription whose breaker awaits its probe asks to be it. */
  probes: ProbeGate;
  /** Herald's public base URL, no trailing slash (publicBaseUrl(config)): cloudblue's `api_url`. */
  publicUrl: string;
}

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

/** The request for `job` (format, then authorize), or the reason it cannot be sent. The preview
 *  (preview.ts) runs this very stage, so what it shows is what an attempt sends. */
export async function prepare(
  job: DeliveryJob,
  context: AttemptContext,
  authorizeStage: AuthorizeStage = authorize,
): Promise<OutgoingRequest | NotSent> {
  let formatted: ReturnType<typeof formatRequest>;
  try {
    formatted = formatRequest(job, context);
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    return { kind: 'not_sent', code: 'format_error', message: err.message, durationMs: 0 };
  }
  const request: OutgoingRequest = {
    headers: { ...job.subscription.headers, 'user-agent': context.userAgent },
    body: formatted.body ?? '',
    credentials: new Set(),
  };
  const started = performance.now();
  const failure = await authorizeStage(job, request, context);
  if (failure !== null) return { kind: 'not_sent', code: 'auth_failed', message: failure.reason, durationMs: performance.now() - started };
  if (formatted.contentType !== null) request.headers['content-type'] = formatted.contentType;
  return request;
}

/** Sends `request` for `job` within what is left of the attempt's deadline. */
function send(job: DeliveryJob, request: OutgoingRequest, context: AttemptContext): Promise<AttemptResult> {
  const { subscription } = job;
  return context.client.send({
    url: subscription.url,
    method: subscription.method,
    headers: request.headers,
    body: subscription.method === 'GET' ? null : request.body,
    timeoutMs: Math.max(1, Math.round(context.deadline - Date.now())),
  });
}

/** What one run of the pipeline gives the dispatcher: the outcome to record, and what the result
 *  said about the endpoint (for its share of the delivery slots, fairness.ts; not recorded). */
export type DeliveryRun = DeliveryOutcome & { signal: EndpointSignal };

/** Makes one attempt of `job` and works out the message's next state; or, held back by its
 *  subscription's breaker, makes none and says when the message is due again. */
export async function runAttempt(job: DeliveryJob, client: HttpClient, options: PipelineOptions): Promise<DeliveryRun> {
  const createdAt = Date.now();
  const { subscription } = job;
  const passed = await gate(job, createdAt, options.probes);
  if ('kind' in passed && classify(passed).verdict === 'hold' && passed.code === 'breaker_open') {
    return { deferred: true, messageId: job.messageId, subscriptionId: subscription.id, nextAttemptAt: passed.until, signal: 'neutral' };
  }
  let result: AttemptResult | null = 'kind' in passed ? passed : null;
  const probe = !('kind' in passed) && passed.probe;
  let sent: OutgoingRequest | null = null;
  if (result === null) {
    const context: AttemptContext = {
      now: createdAt,
      publicUrl: options.publicUrl,
      client,
      deadline: createdAt + Math.round(subscription.timeoutSeconds * 1000),
      userAgent: options.userAgent,
    };
    const prepared = await prepare(job, context);
    if ('kind' in prepared) {
      result = prepared;
    } else {
      sent = prepared;
      result = await send(job, sent, context);
      if (result.kind === 'response' && result.statusCode === 401 && unauthorized(job, sent)) {
        const again = await prepare(job, { ...context, now: Date.now() });
        if ('kind' in again) {
          result = again;
          sent = null;
        } else {
          sent = again;
          result = await send(job, sent, context);
        }
      }
    }
  }
  const state = nextState(job.retries, subscription.retrySchedule, result, options, Date.now());
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
