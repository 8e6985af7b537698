// The pipeline's first stage: whether an attempt may be sent at all. A subscription (or its
// subscriber) disabled after the message was claimed is not called; the attempt is recorded as not
// sent and the message fails (classify.ts). Circuit breakers and rate limits will stop attempts here.
import type { DeliveryJob } from '../store/store.js';
import type { AttemptResult } from './classify.js';

/** null when the attempt may go out; otherwise the result it is recorded with. */
export function gate(job: DeliveryJob): AttemptResult | null {
  if (!job.subscription.enabled || !job.subscriberEnabled) {
    return { kind: 'not_sent', code: 'disabled', message: 'not sent: the subscription or its subscriber is disabled', durationMs: 0 };
  }
  return null;
}
