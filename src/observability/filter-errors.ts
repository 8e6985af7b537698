// Filter expressions that failed on events at fan-out (a missing key, a wrong type, a regex input
// too long): such an event does not reach the subscription, and an operator needs to see a filter
// that keeps failing. Counted twice, from the ingest results (GroupCommit):
//   - herald_filter_errors_total{code}: by reason only, never by subscription (bounded labels);
//   - per subscription, in this process's memory: how many since the process started and the last
//     one (when, which expression, why), shown by GET /v1/subscriptions/{id}/stats as `filterErrors`.
// The per-subscription counts are not stored: they start at 0 when a process starts, and with
// several API processes (PostgreSQL) each counts the events it ingested. At most
// MAX_TRACKED_SUBSCRIPTIONS are tracked; past that the one that failed least recently is dropped.
import type { FilterFailure } from '../fanout/subscription-filter.js';
import { filterErrorsTotal } from './metrics.js';

export const MAX_TRACKED_SUBSCRIPTIONS = 10_000;

export interface SubscriptionFilterErrors {
  /** Failed evaluations (one per expression per event) counted by this process since it started. */
  count: number;
  last: { at: number; index: number; expression: string; code: string; message: string } | null;
}

// Map order is recency: a subscription that fails again moves to the end.
const bySubscription = new Map<string, SubscriptionFilterErrors>();

/** Counts the failures of one ingest result. */
export function countFilterErrors(failures: readonly FilterFailure[], at: number): void {
  for (const f of failures) {
    filterErrorsTotal.labels(f.code).inc();
    let entry = bySubscription.get(f.subscriptionId);
    if (entry) bySubscription.delete(f.subscriptionId);
    else {
      entry = { count: 0, last: null };
      if (bySubscription.size >= MAX_TRACKED_SUBSCRIPTIONS) {
        const oldest = bySubscription.keys().next();
        if (!oldest.done) bySubscription.delete(oldest.value);
      }
    }
    entry.count++;
    entry.last = { at, index: f.index, expression: f.expression, code: f.code, message: f.message };
    bySubscription.set(f.subscriptionId, entry);
  }
}

/** What this process counted for a subscription (0 and null when nothing failed). */
export function filterErrorsOf(subscriptionId: string): SubscriptionFilterErrors {
  return bySubscription.get(subscriptionId) ?? { count: 0, last: null };
}
