// The attempt pipeline (DESIGN.md §3): one attempt of one message, stage by stage, each stage a
// module of its own:
//   gate      (gate.ts)        may it be sent at all: the subscription enabled, its breaker closed
//                              (or this job its probe); held back by the breaker, the job ends here
//                              as a deferred outcome: no attempt, the message due again later
//   format    (formats/)       the body and its Content-Type, by the subscription's payload format
//   authorize (auth/)          Standard Webhooks signature, and auth methods towards the receiver
//   send      (http-client.ts) one request through the SSRF guard, one deadline
//   classify  (classify.ts)    what the result means for the message: one table
// and the attempt as it is recorded, with credentials redacted. The dispatcher decides when
// attempts run and records their outcomes; this decides what one attempt is.
import type { Attempt } from '../domain/glossary.js';
import { newId } from '../domain/ids.js';
import type { RetrySettings } from '../domain/retry-policy.js';
import type { DeliveryJob, DeliveryOutcome } from '../store/store.js';
import { authorize, type OutgoingRequest } from './auth/index.js';
import { type AttemptResult, classify, type EndpointSignal, nextState } from './classify.js';
import { FormatError, formatRequest } from './formats/index.js';
import { gate, type ProbeGate } from './gate.js';
import type { HttpClient } from './http-client.js';

export interface PipelineOptions extends RetrySettings {
  userAgent: string;
  /** Where a job of a subscription whose breaker awaits its probe asks to be it. */
  probes: ProbeGate;
}

const REDACTED = '[redacted]'; // what attempts record for custom header values (often receivers' credentials)

/** The request headers as an attempt records them: custom header values, sealed at rest in the
 *  subscription, are not copied into the attempt in the clear. */
function recordedHeaders(sent: Record<string, string>, custom: Record<string, string>): Record<string, string> {
  const names = Object.keys(custom);
  if (names.length === 0) return sent;
  const out = { ...sent };
  for (const name of names) if (out[name] !== undefined) out[name] = REDACTED;
  return out;
}

/** The request for `job` (format, then authorize), or the reason it cannot be sent. */
async function prepare(job: DeliveryJob, options: PipelineOptions, now: number): Promise<OutgoingRequest | AttemptResult> {
  let formatted: ReturnType<typeof formatRequest>;
  try {
    formatted = formatRequest(job);
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    return { kind: 'not_sent', code: 'format_error', message: err.message, durationMs: 0 };
  }
  const request: OutgoingRequest = {
    headers: { ...job.subscription.headers, 'user-agent': options.userAgent },
    body: formatted.body ?? '',
  };
  await authorize(job, request, now);
  if (formatted.contentType !== null) request.headers['content-type'] = formatted.contentType;
  return request;
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
  let headers: Record<string, string> = {};
  if (result === null) {
    const prepared = await prepare(job, options, createdAt);
    if ('kind' in prepared) {
      result = prepared;
    } else {
      headers = prepared.headers;
      result = await client.send({
        url: subscription.url,
        method: subscription.method,
        headers,
        body: subscription.method === 'GET' ? null : prepared.body,
        timeoutMs: Math.round(subscription.timeoutSeconds * 1000),
      });
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
    requestHeaders: recordedHeaders(headers, subscription.headers),
    responseHeaders: result.kind === 'response' ? result.headers : {},
    responseBody: result.kind === 'response' ? result.body : '',
    trigger: job.manual ? 'manual' : 'scheduled',
    createdAt,
  };
  return { attempt, attempts: job.attempts + 1, ...state, ...(probe ? { probe } : {}), signal: classify(result).signal };
}
