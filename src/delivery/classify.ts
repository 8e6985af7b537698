// What an attempt's result means for its message. The rules are a table, not scattered ifs:
// 2xx succeeds; 410 Gone fails the message for good and disables the subscription; 429 and 503
// wait for the receiver's Retry-After (bounded); everything else, including 3xx (redirects are never
// followed), other statuses, timeouts and network errors, is retried on the schedule.
import type { MessageStatus } from '../domain/glossary.js';
import { parseRetryAfter, type RetrySettings, retryDelaySeconds, withJitter } from '../domain/retry-policy.js';
import type { DeliveryJob } from '../store/store.js';
import type { HttpResult } from './http-client.js';

type Rule = 'succeed' | 'gone' | 'retry_after' | 'retry';

const STATUS_RULES: { test: (status: number) => boolean; rule: Rule }[] = [
  { test: (s) => s >= 200 && s < 300, rule: 'succeed' },
  { test: (s) => s === 410, rule: 'gone' }, // the receiver says this endpoint is gone for good
  { test: (s) => s === 429 || s === 503, rule: 'retry_after' }, // honour the receiver's pacing
  { test: () => true, rule: 'retry' },
];

export interface NextState {
  status: MessageStatus;
  retries: number;
  nextAttemptAt: number | null;
  disableSubscription: boolean;
}

export function ruleFor(result: HttpResult): Rule {
  if (result.kind === 'error') return 'retry';
  return (STATUS_RULES.find((r) => r.test(result.statusCode)) as { rule: Rule }).rule;
}

/** The message's state after `result`, for a job whose retries so far are `job.retries`. */
export function nextState(
  job: Pick<DeliveryJob, 'retries' | 'retrySchedule'>,
  result: HttpResult,
  settings: RetrySettings,
  now: number,
): NextState {
  const rule = ruleFor(result);
  if (rule === 'succeed') return { status: 'succeeded', retries: job.retries, nextAttemptAt: null, disableSubscription: false };
  if (rule === 'gone') return { status: 'failed', retries: job.retries, nextAttemptAt: null, disableSubscription: true };
  const scheduled = retryDelaySeconds(job.retries, job.retrySchedule, settings);
  if (scheduled === null) return { status: 'failed', retries: job.retries, nextAttemptAt: null, disableSubscription: false };
  let delayMs = withJitter(scheduled * 1000);
  if (rule === 'retry_after' && result.kind === 'response') {
    const retryAfter = parseRetryAfter(result.headers['retry-after'], now);
    if (retryAfter !== null) delayMs = retryAfter * 1000;
  }
  return { status: 'retrying', retries: job.retries + 1, nextAttemptAt: now + delayMs, disableSubscription: false };
}
