// What an attempt's result means: one table, read top to bottom, the first rule that matches
// decides both the message's next state (the verdict) and what the result says about the endpoint's
// health (src/domain/health.ts: the breaker counts faults). 2xx succeeds; 410 Gone fails the message
// for good and disables the subscription; 429 and 503 wait for the receiver's Retry-After (bounded);
// everything else, including 3xx (redirects are never followed), other statuses, timeouts and
// network errors, is retried on the schedule. No answer and 5xx are faults; other failed answers
// show the endpoint is up (rejected). Attempts the pipeline stopped before sending have their own
// verdicts: a disabled subscription fails the message at once, as does an event its format cannot
// render; an open breaker holds the message back, without an attempt, until its probe window. An
// auth method that could not authorize the request (an OAuth 2.0 token endpoint failing) is retried
// on the schedule, and says nothing about the receiver, which was not called.
import type { MessageStatus } from '../domain/glossary.js';
import type { HealthSignal } from '../domain/health.js';
import { parseRetryAfter, type RetrySettings, retryDelaySeconds, withJitter } from '../domain/retry-policy.js';
import type { HttpResult } from './http-client.js';

/** Why an attempt was not sent (the pipeline's gate, format and authorize stages). */
export type NotSentCode = 'disabled' | 'format_error' | 'auth_failed' | 'breaker_open';

/** Not sent: stopped by the gate, the format or the authorize stage. `until` (breaker_open only): when it may go. */
export type NotSent =
  | { kind: 'not_sent'; code: Exclude<NotSentCode, 'breaker_open'>; message: string; durationMs: number }
  | { kind: 'not_sent'; code: 'breaker_open'; message: string; durationMs: number; until: number };

/** What the pipeline ends with: the receiver's answer, a transport error, or not sent at all. */
export type AttemptResult = HttpResult | NotSent;

/** `hold`: no attempt is recorded and the message is due again later, its retries untouched. */
export type Verdict = 'succeed' | 'gone' | 'retry_after' | 'retry' | 'fail' | 'hold';

/** What a result says about its endpoint's capacity (fairness.ts adapts the endpoint's share of the
 *  delivery slots to it): it answered well, it is failing or overloaded, or nothing either way. */
export type EndpointSignal = 'ok' | 'failure' | 'neutral';

export interface Classified {
  verdict: Verdict;
  /** What the result says about the endpoint's health; null when nothing was sent. */
  health: HealthSignal | null;
  signal: EndpointSignal;
}

const status = (r: AttemptResult): number => (r.kind === 'response' ? r.statusCode : 0);

const RULES: { test: (r: AttemptResult) => boolean; verdict: Verdict; health: HealthSignal | null; signal: EndpointSignal }[] = [
  { test: (r) => r.kind === 'not_sent' && r.code === 'breaker_open', verdict: 'hold', health: null, signal: 'neutral' }, // until the probe window
  { test: (r) => r.kind === 'not_sent' && r.code === 'auth_failed', verdict: 'retry', health: null, signal: 'neutral' }, // the token endpoint failed, the receiver was not called
  { test: (r) => r.kind === 'not_sent', verdict: 'fail', health: null, signal: 'neutral' }, // disabled, or no body to send: retrying cannot help
  { test: (r) => r.kind === 'error' && r.code === 'blocked', verdict: 'retry', health: 'fault', signal: 'neutral' }, // the SSRF guard, not the endpoint, refused
  { test: (r) => r.kind === 'error', verdict: 'retry', health: 'fault', signal: 'failure' }, // timeouts, connection errors, oversized answers
  { test: (r) => status(r) >= 200 && status(r) < 300, verdict: 'succeed', health: 'success', signal: 'ok' },
  { test: (r) => status(r) === 410, verdict: 'gone', health: 'gone', signal: 'neutral' }, // this endpoint is gone for good
  { test: (r) => status(r) === 429, verdict: 'retry_after', health: 'rejected', signal: 'failure' }, // the receiver's pacing: it is up, and asks for less
  { test: (r) => status(r) === 503, verdict: 'retry_after', health: 'fault', signal: 'failure' }, // unavailable: pacing, and a fault
  { test: (r) => status(r) >= 500, verdict: 'retry', health: 'fault', signal: 'failure' },
  { test: () => true, verdict: 'retry', health: 'rejected', signal: 'neutral' }, // 1xx, 3xx, 4xx: an answer, not a success
];

export function classify(result: AttemptResult): Classified {
  const rule = RULES.find((r) => r.test(result)) as (typeof RULES)[number];
  return { verdict: rule.verdict, health: rule.health, signal: rule.signal };
}

export interface NextState {
  status: MessageStatus;
  retries: number;
  nextAttemptAt: number | null;
  /** What the attempt says about its endpoint (a `gone` disables the subscription). */
  health: HealthSignal | null;
}

/** The message's state after `result`, for a message that used `retries` retries of `schedule`
 *  (null: the default). Not for a held result (verdict `hold`), which leaves the message as it is. */
export function nextState(
  retries: number,
  schedule: number[] | null,
  result: AttemptResult,
  settings: RetrySettings,
  now: number,
): NextState {
  const { verdict, health } = classify(result);
  if (verdict === 'hold') throw new Error('a held job has no next state: it is recorded as deferred');
  if (verdict === 'succeed') return { status: 'succeeded', retries, nextAttemptAt: null, health };
  if (verdict === 'gone' || verdict === 'fail') return { status: 'failed', retries, nextAttemptAt: null, health };
  const scheduled = retryDelaySeconds(retries, schedule, settings);
  if (scheduled === null) return { status: 'failed', retries, nextAttemptAt: null, health };
  let delayMs = withJitter(scheduled * 1000);
  if (verdict === 'retry_after' && result.kind === 'response') {
    const retryAfter = parseRetryAfter(result.headers['retry-after'], now);
    if (retryAfter !== null) delayMs = retryAfter * 1000;
  }
  return { status: 'retrying', retries: retries + 1, nextAttemptAt: now + delayMs, health };
}
