// What an attempt's result means for its message: one table, read top to bottom, the first rule
// that matches decides. 2xx succeeds; 410 Gone fails the message for good and disables the
// subscription; 429 and 503 wait for the receiver's Retry-After (bounded); everything else,
// including 3xx (redirects are never followed), other statuses, timeouts and network errors, is
// retried on the schedule. Attempts the pipeline stopped before sending have their own verdicts:
// a disabled subscription fails the message at once, as does an event its format cannot render.
import type { MessageStatus } from '../domain/glossary.js';
import { parseRetryAfter, type RetrySettings, retryDelaySeconds, withJitter } from '../domain/retry-policy.js';
import type { HttpResult } from './http-client.js';

/** Why an attempt was not sent (the pipeline's gate and format stages). */
export type NotSentCode = 'disabled' | 'format_error';

/** What the pipeline ends with: the receiver's answer, a transport error, or not sent at all. */
export type AttemptResult = HttpResult | { kind: 'not_sent'; code: NotSentCode; message: string; durationMs: number };

export type Verdict = 'succeed' | 'gone' | 'retry_after' | 'retry' | 'fail';

const RULES: { test: (r: AttemptResult) => boolean; verdict: Verdict }[] = [
  { test: (r) => r.kind === 'not_sent', verdict: 'fail' }, // disabled, or no body to send: retrying cannot help
  { test: (r) => r.kind === 'error', verdict: 'retry' }, // timeouts, connection errors, SSRF blocks (DNS may change)
  { test: (r) => r.kind === 'response' && r.statusCode >= 200 && r.statusCode < 300, verdict: 'succeed' },
  { test: (r) => r.kind === 'response' && r.statusCode === 410, verdict: 'gone' }, // this endpoint is gone for good
  { test: (r) => r.kind === 'response' && (r.statusCode === 429 || r.statusCode === 503), verdict: 'retry_after' }, // the receiver's pacing
  { test: () => true, verdict: 'retry' },
];

export function classify(result: AttemptResult): Verdict {
  return (RULES.find((r) => r.test(result)) as { verdict: Verdict }).verdict;
}

/** What an attempt says about its endpoint (fairness.ts adapts the endpoint's share to it): it
 *  answered well, it is failing or overloaded, or the attempt says nothing about it. */
export type EndpointSignal = 'ok' | 'failure' | 'neutral';

const SIGNALS: { test: (r: AttemptResult) => boolean; signal: EndpointSignal }[] = [
  { test: (r) => r.kind === 'not_sent', signal: 'neutral' }, // never reached the endpoint
  { test: (r) => r.kind === 'error' && r.code === 'blocked', signal: 'neutral' }, // refused by the SSRF guard, not by the endpoint
  { test: (r) => r.kind === 'error', signal: 'failure' }, // timeouts, connection errors, oversized answers
  { test: (r) => r.kind === 'response' && r.statusCode >= 200 && r.statusCode < 300, signal: 'ok' },
  { test: (r) => r.kind === 'response' && (r.statusCode === 429 || r.statusCode >= 500), signal: 'failure' }, // overloaded or broken
  { test: () => true, signal: 'neutral' }, // other statuses: the endpoint answers, about this message
];

export function endpointSignal(result: AttemptResult): EndpointSignal {
  return (SIGNALS.find((r) => r.test(result)) as { signal: EndpointSignal }).signal;
}

export interface NextState {
  status: MessageStatus;
  retries: number;
  nextAttemptAt: number | null;
  disableSubscription: boolean;
}

/** The message's state after `result`, for a message that used `retries` retries of `schedule` (null: the default). */
export function nextState(
  retries: number,
  schedule: number[] | null,
  result: AttemptResult,
  settings: RetrySettings,
  now: number,
): NextState {
  const verdict = classify(result);
  if (verdict === 'succeed') return { status: 'succeeded', retries: retries, nextAttemptAt: null, disableSubscription: false };
  if (verdict === 'gone') return { status: 'failed', retries: retries, nextAttemptAt: null, disableSubscription: true };
  if (verdict === 'fail') return { status: 'failed', retries: retries, nextAttemptAt: null, disableSubscription: false };
  const scheduled = retryDelaySeconds(retries, schedule, settings);
  if (scheduled === null) return { status: 'failed', retries: retries, nextAttemptAt: null, disableSubscription: false };
  let delayMs = withJitter(scheduled * 1000);
  if (verdict === 'retry_after' && result.kind === 'response') {
    const retryAfter = parseRetryAfter(result.headers['retry-after'], now);
    if (retryAfter !== null) delayMs = retryAfter * 1000;
  }
  return { status: 'retrying', retries: retries + 1, nextAttemptAt: now + delayMs, disableSubscription: false };
}
