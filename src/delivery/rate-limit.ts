// A subscription's rate limit (DESIGN.md §4): at most `limit` attempts per `periodSeconds`, shared by
// every delivering process. This is the rule alone, pure; the store keeps its state (RateLimitStore)
// and the dispatcher asks it for sends before starting attempts.
//
// How it works: GCRA (the generic cell rate algorithm, a token bucket kept as one number). Sends are
// spaced by the emission interval T = period / limit; the state is the "theoretical arrival time"
// (tat): when the budget would be back to full if nothing more were sent. A send is allowed at `now`
// when tat - now <= (burst - 1) × T, so an idle subscription may take `burst` sends at once and a
// busy one gets one every T. The burst is small (limit / 50, at least 2), so any window of a period
// holds at most limit + burst sends: within 2% of the limit, or two sends for small limits. Sends
// are granted in batches of up to the burst: one store round trip per batch, not per message.
import type { RateLimit } from '../domain/glossary.js';

/** Sends a subscription may take at once when its budget is full: ~2% of its limit, at least 2
 *  (but never more than the limit). Two, not one: a take that comes late (a timer, a busy process, a
 *  database round trip) catches up with the next, instead of every late millisecond being lost. */
export function burstOf(rule: RateLimit): number {
  return Math.min(rule.limit, Math.max(2, Math.floor(rule.limit / 50)));
}

/** Milliseconds between sends at the limit's pace. */
export function intervalOf(rule: RateLimit): number {
  return (rule.periodSeconds * 1000) / rule.limit;
}

export interface Sends {
  /** Sends granted now (0 ≤ granted ≤ want). */
  granted: number;
  /** The state to store: the new theoretical arrival time (ms). */
  tat: number;
  /** When the next send becomes available (ms; `now` if one is available already). */
  nextAt: number;
}

/**
 * Takes up to `want` sends from a budget whose state is `tat` (null: never used, full) at `now`.
 * The caller stores the returned tat (atomically with reading the old one, when shared).
 */
export function takeSends(tat: number | null, now: number, rule: RateLimit, want: number): Sends {
  const t = intervalOf(rule);
  const burst = burstOf(rule);
  const start = tat === null ? now : Math.max(tat, now);
  // Allowed while start + n × T - now <= burst × T: n = floor((now + burst × T - start) / T).
  const allowed = Math.max(0, Math.floor((now + burst * t - start) / t + 1e-9));
  const granted = Math.max(0, Math.min(Math.floor(want), allowed));
  const next = start + granted * t;
  return { granted, tat: next, nextAt: Math.max(now, next - burst * t + t) };
}
