// Delivery logs: one line per attempt that failed (warn, with when the message is tried again),
// one per message given up (warn: its last attempt, "given up after N attempts"), and one per
// success at debug. Lines carry ids, status code, duration and the attempt's error text, never
// its request headers or body (credentials live there). Success is the hot path: with debug off
// (the default) it costs one boolean test per recorded batch, no object is built.
import type { Logger } from 'pino';
import type { AttemptOutcome, DeliveryOutcome } from '../store/store.js';

/** The fields every delivery line carries. */
function fieldsOf(o: AttemptOutcome): Record<string, unknown> {
  const { attempt } = o;
  return {
    messageId: attempt.messageId,
    subscriptionId: attempt.subscriptionId,
    subscriberId: attempt.subscriberId,
    eventType: attempt.eventType,
    attempt: o.attempts,
    statusCode: attempt.statusCode,
    durationMs: attempt.durationMs,
    error: attempt.error,
    trigger: attempt.trigger,
  };
}

/** Logs the delivery lines of a batch of recorded outcomes (breaker-deferred jobs made no attempt). */
export function logDeliveries(logger: Logger, outcomes: readonly DeliveryOutcome[]): void {
  const debug = logger.isLevelEnabled('debug');
  for (const o of outcomes) {
    if (!('attempt' in o)) continue;
    if (o.status === 'succeeded') {
      if (debug) logger.debug(fieldsOf(o), 'delivered');
    } else if (o.status === 'failed') {
      logger.warn(fieldsOf(o), `delivery failed; message given up after ${o.attempts} attempt${o.attempts === 1 ? '' : 's'}`);
    } else {
      const retryAt = o.nextAttemptAt === null ? null : new Date(o.nextAttemptAt).toISOString();
      logger.warn({ ...fieldsOf(o), retryAt }, `delivery attempt ${o.attempts} failed; retrying${retryAt ? ` at ${retryAt}` : ''}`);
    }
  }
}
