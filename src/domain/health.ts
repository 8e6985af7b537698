// Endpoint health and the circuit breaker (DESIGN.md §4), as one pure state machine. Both stores
// call it with what they read (under a lock where several workers may write) and write what it
// decides, like src/fanout/plan.ts for ingest; neither decides anything of its own. What an attempt
// says about its endpoint (its HealthSignal) comes from classify.ts's table.
//
// - recordHealth: a batch of attempt results of one subscription. Each records the time of the last
//   attempt answered 2xx (lastSuccessAt) or not (lastFailureAt: another answer, a timeout, an error;
//   attempts the breaker held back are not recorded and change nothing). Failures in a row make it
//   `degraded`, then `failing` at the breaker threshold. Transport errors, timeouts and 5xx in a
//   row (faults) open the breaker at the threshold: it holds the subscription's messages back for a
//   cool-down, then one probe goes out (half-open); a probe that faults opens it again for another
//   cool-down; any answer that is not a fault closes it (the endpoint is up; a 4xx still counts as
//   a failure for the status). 410 Gone disables the subscription at once (`endpoint_gone`); failing
//   for the auto-disable window with no success and enough messages failed for good disables it
//   as `out_of_order`.
// - decideProbe: may a job of a subscription whose breaker is open go out now as the one probe, or
//   must it wait, and until when. The store runs it on the row it holds locked, so of the workers
//   asking at once exactly one wins.
// - disableHealth / enableHealth: what the API's `enabled` does to health.
// - heldMove: messages the breaker holds back are due at exactly its `breakerUntil`; when that
//   changes they follow (to the next probe, or due now when the breaker closes), in one update.
//
// Every change of status and of breaker state is returned as a HealthTransition, so operational
// webhooks can be sent from them: `subscription.failing` (to failing), `subscription.disabled`
// (to disabled), `subscription.recovered` (from failing or disabled to healthy).
import type { BreakerState, HealthReason, HealthStatus, SubscriptionHealth } from './glossary.js';

/** What one attempt says about its endpoint (classify.ts's table decides which):
 *  success — a 2xx; fault — no answer (a transport error or timeout) or a 5xx, which the breaker
 *  counts; rejected — another answer (3xx, 4xx): the endpoint is up, the attempt still failed;
 *  gone — 410 Gone: the subscription is disabled. */
export type HealthSignal = 'success' | 'fault' | 'rejected' | 'gone';

/** The settings health follows (HERALD_BREAKER_*, HERALD_AUTO_DISABLE_*). */
export interface HealthPolicy {
  /** Faults in a row that open the breaker; as many failures in a row make a subscription failing. */
  breakerThreshold: number;
  /** How long an open breaker holds messages back before it lets a probe out. */
  breakerCooldownMs: number;
  /** A subscription failing this long with no success is disabled (out_of_order)... 0: never. */
  autoDisableAfterMs: number;
  /** ...once at least this many of its messages failed for good since the failures began. */
  autoDisableMinFailedMessages: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The defaults of the settings (src/config/config.ts); a test keeps the two equal. */
export const DEFAULT_HEALTH_POLICY: HealthPolicy = {
  breakerThreshold: 10,
  breakerCooldownMs: 30_000,
  autoDisableAfterMs: 5 * DAY_MS,
  autoDisableMinFailedMessages: 2,
};

/** One recorded attempt, as health sees it. */
export interface HealthEvent {
  signal: HealthSignal;
  /** The attempt left its message failed for good (retries used up). */
  messageFailed: boolean;
  /** When its result came in. */
  at: number;
  /** When the attempt was made (its createdAt), which lastSuccessAt and lastFailureAt record; default `at`. */
  startedAt?: number;
  /** It was the breaker's probe: only a probe's fault opens a half-open breaker again (the result
   *  of an attempt sent before the breaker opened, coming in late, does not). */
  probe?: boolean;
}

/** The health event of an attempt that started at `startedAt` (ms) and took `durationMs` (fractional):
 *  its result came in at the end, in whole milliseconds as every time Herald keeps. */
export function attemptEvent(
  signal: HealthSignal,
  messageFailed: boolean,
  startedAt: number,
  durationMs: number,
  probe: boolean,
): HealthEvent {
  return { signal, messageFailed, at: Math.round(startedAt + durationMs), startedAt, probe };
}

export type HealthTransition =
  | { kind: 'status'; from: HealthStatus; to: HealthStatus; reason: HealthReason | null; at: number }
  | { kind: 'breaker'; from: BreakerState; to: BreakerState; at: number };

/** The messages the breaker holds back, due at exactly `from`, become due at `to`. */
export interface HeldMove {
  from: number;
  to: number;
}

/** What a decision does to a subscription's health. */
export interface HealthChange {
  health: SubscriptionHealth;
  /** false when health is exactly as it was: nothing to write. */
  changed: boolean;
  transitions: HealthTransition[];
  held: HeldMove | null;
}

/** What decideProbe answers a job: go (as the probe, or because the breaker is closed), or wait until a time. */
export type ProbeVerdict = { send: true; probe: boolean } | { send: false; until: number };

/** The health of a new subscription, or of one enabled again: healthy (or disabled by its creator). */
export function initialHealth(enabled: boolean, now: number): SubscriptionHealth {
  return {
    status: enabled ? 'healthy' : 'disabled',
    reason: enabled ? null : 'disabled_manually',
    since: now,
    consecutiveFailures: 0,
    failingSince: null,
    lastSuccessAt: null,
    lastFailureAt: null,
    failedMessages: 0,
    breaker: 'closed',
    breakerFaults: 0,
    breakerUntil: null,
    breakerOpenedAt: null,
  };
}

/** The status an enabled subscription's counters and breaker give. */
export function statusOf(h: SubscriptionHealth, policy: HealthPolicy): { status: HealthStatus; reason: HealthReason | null } {
  if (h.breaker !== 'closed') return { status: 'failing', reason: 'breaker_open' };
  if (h.consecutiveFailures >= policy.breakerThreshold) return { status: 'failing', reason: 'consecutive_failures' };
  if (h.consecutiveFailures > 0) return { status: 'degraded', reason: 'consecutive_failures' };
  return { status: 'healthy', reason: null };
}

/** Where the held messages go when health changes from `before` to `after` at `now`. */
export function heldMove(before: SubscriptionHealth, after: SubscriptionHealth, now: number): HeldMove | null {
  if (before.breakerUntil === null || after.breakerUntil === before.breakerUntil) return null;
  return { from: before.breakerUntil, to: after.breakerUntil ?? now };
}

const FIELDS = Object.keys(initialHealth(true, 0)) as (keyof SubscriptionHealth)[];

/** How far the last success or failure may move before that alone is worth writing: seed 002 gives
 *  them to the second, and a busy healthy endpoint's row is then not locked and rewritten on every
 *  recorded batch (its stored time is at most this much behind; any other change writes it exact). */
const LAST_TIME_RESOLUTION_MS = 1_000;

function sameHealth(a: SubscriptionHealth, b: SubscriptionHealth): boolean {
  return FIELDS.every((k) => a[k] === b[k] || ((k === 'lastSuccessAt' || k === 'lastFailureAt') && nearTime(a[k], b[k])));
}

function nearTime(a: number | null, b: number | null): boolean {
  return a !== null && b !== null && Math.abs(b - a) < LAST_TIME_RESOLUTION_MS;
}

/** A working copy of health and the transitions made to it. */
class Draft {
  readonly h: SubscriptionHealth;
  readonly transitions: HealthTransition[] = [];

  constructor(private readonly before: SubscriptionHealth) {
    this.h = { ...before };
  }

  breaker(to: BreakerState, until: number | null, at: number): void {
    const h = this.h;
    if (h.breaker !== to) this.transitions.push({ kind: 'breaker', from: h.breaker, to, at });
    h.breaker = to;
    h.breakerUntil = until;
    if (to === 'closed') {
      h.breakerOpenedAt = null;
      h.breakerFaults = 0;
    } else h.breakerOpenedAt ??= at;
  }

  status(to: HealthStatus, reason: HealthReason | null, at: number): void {
    const h = this.h;
    if (h.status !== to) {
      this.transitions.push({ kind: 'status', from: h.status, to, reason, at });
      h.since = at;
    }
    h.status = to;
    h.reason = reason;
  }

  disable(reason: HealthReason, at: number): void {
    if (this.h.breaker !== 'closed') this.breaker('closed', null, at);
    this.h.breakerFaults = 0;
    this.status('disabled', reason, at);
  }

  done(now: number): HealthChange {
    return {
      health: this.h,
      changed: !sameHealth(this.before, this.h),
      transitions: this.transitions,
      held: heldMove(this.before, this.h, now),
    };
  }
}

/** Whether a subscription failing as `h` says has failed long enough, at `at`, to be disabled. */
function outOfOrder(h: SubscriptionHealth, at: number, policy: HealthPolicy): boolean {
  return (
    policy.autoDisableAfterMs > 0 &&
    h.failingSince !== null &&
    at - h.failingSince >= policy.autoDisableAfterMs &&
    h.failedMessages >= policy.autoDisableMinFailedMessages
  );
}

/**
 * Health after the attempts `events` of one subscription (in the order they came in; their times
 * never decrease). A disabled subscription's health does not change until it is enabled again.
 */
export function recordHealth(before: SubscriptionHealth, events: readonly HealthEvent[], policy: HealthPolicy): HealthChange {
  const d = new Draft(before);
  const h = d.h;
  for (const e of events) {
    // Seed 002's last_success_at / last_failure_at: every recorded attempt counts, even one that
    // comes in after its subscription was disabled (it was sent, and answered or not).
    const made = e.startedAt ?? e.at;
    if (e.signal === 'success') h.lastSuccessAt = Math.max(h.lastSuccessAt ?? made, made);
    else h.lastFailureAt = Math.max(h.lastFailureAt ?? made, made);
    if (h.status === 'disabled') continue;
    if (e.signal === 'success') {
      h.consecutiveFailures = 0;
      h.failingSince = null;
      h.failedMessages = 0;
      h.breakerFaults = 0;
      if (h.breaker !== 'closed') d.breaker('closed', null, e.at);
    } else {
      h.consecutiveFailures++;
      h.failingSince ??= e.at;
      if (e.messageFailed) h.failedMessages++;
      if (e.signal === 'gone') {
        d.disable('endpoint_gone', e.at);
        continue;
      }
      if (e.signal === 'rejected') {
        // An answer: the endpoint is up, whatever it said.
        h.breakerFaults = 0;
        if (h.breaker !== 'closed') d.breaker('closed', null, e.at);
      } else {
        h.breakerFaults++;
        // The probe faulted: another cool-down. Closed: open at the threshold. Open, or half-open
        // and not the probe: the result of an attempt sent before it opened changes nothing more.
        if ((h.breaker === 'half_open' && e.probe) || (h.breaker === 'closed' && h.breakerFaults >= policy.breakerThreshold)) {
          d.breaker('open', e.at + policy.breakerCooldownMs, e.at);
        }
      }
      if (outOfOrder(h, e.at, policy)) {
        d.disable('out_of_order', e.at);
        continue;
      }
    }
    const next = statusOf(h, policy);
    d.status(next.status, next.reason, e.at);
  }
  return d.done(events.reduce((latest, e) => Math.max(latest, e.at), before.since));
}

/** The verdict alone, from a job's own (claim-time) view of its subscription: `send: true, probe:
 *  true` means it may be the probe, which only decideProbe on the store's current health can grant (QueueStore.startProbe). */
export function probeVerdict(h: SubscriptionHealth, now: number, manual: boolean): ProbeVerdict {
  if (h.breaker === 'closed' || h.status === 'disabled') return { send: true, probe: false };
  const until = h.breakerUntil ?? now;
  // Open: the cool-down is over (a person's resend or recovery need not wait for it). Half-open:
  // the probe's lease ran out (its worker is gone): another may go.
  const free = until <= now || (h.breaker === 'open' && manual);
  return free ? { send: true, probe: true } : { send: false, until };
}

/**
 * Whether a job of this subscription goes out now, decided on its current health: as the probe
 * (the breaker becomes half-open until `leaseEnds`, the job's lease end), because the breaker is
 * closed, or not before `until`. `manual`: the job was asked for by a person.
 */
export function decideProbe(
  before: SubscriptionHealth,
  now: number,
  leaseEnds: number,
  manual: boolean,
): HealthChange & { verdict: ProbeVerdict } {
  const verdict = probeVerdict(before, now, manual);
  const d = new Draft(before);
  if (verdict.send && verdict.probe) d.breaker('half_open', Math.max(leaseEnds, now + 1), now);
  return { ...d.done(now), verdict };
}

/** Disabled with `reason` (the API's enabled: false is `disabled_manually`); the breaker closes
 *  and what it held back is due now (a disabled subscription's messages fail, to be recovered). */
export function disableHealth(before: SubscriptionHealth, reason: HealthReason, now: number): HealthChange {
  const d = new Draft(before);
  d.disable(reason, now);
  return d.done(now);
}

/** Enabled again: healthy, every count and the breaker cleared. */
export function enableHealth(before: SubscriptionHealth, now: number): HealthChange {
  const d = new Draft(before);
  if (before.breaker !== 'closed') d.breaker('closed', null, now);
  d.status('healthy', null, now);
  // The last success and failure are history, not counts: they stay.
  Object.assign(d.h, { ...initialHealth(true, d.h.since), lastSuccessAt: before.lastSuccessAt, lastFailureAt: before.lastFailureAt });
  return d.done(now);
}
