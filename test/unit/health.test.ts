// The endpoint health state machine (src/domain/health.ts): failures in a row, the circuit breaker
// (open at the threshold of faults, one probe after the cool-down, closed by an answer, open again
// by a failed probe), auto-disable (410 at once; out of order after the window with enough failed
// messages), enabling and disabling, where held messages go, and the transitions it reports. The
// settings' defaults are the policy's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { healthPolicy, resolveConfig } from '../../src/config/config.js';
import type { SubscriptionHealth } from '../../src/domain/glossary.js';
import {
  DEFAULT_HEALTH_POLICY,
  decideProbe,
  disableHealth,
  enableHealth,
  type HealthEvent,
  type HealthPolicy,
  type HealthSignal,
  initialHealth,
  probeVerdict,
  recordHealth,
} from '../../src/domain/health.js';

const T0 = 1_700_000_000_000;
const POLICY: HealthPolicy = { breakerThreshold: 3, breakerCooldownMs: 1_000, autoDisableAfterMs: 10_000, autoDisableMinFailedMessages: 2 };

/** Events `signal` at T0 + at[i]. */
const events = (signal: HealthSignal, ...at: number[]): HealthEvent[] => at.map((t) => ({ signal, messageFailed: false, at: T0 + t }));

/** Health after `list`, from a healthy start at T0, the policy above. */
function after(list: HealthEvent[], from: SubscriptionHealth = initialHealth(true, T0)) {
  return recordHealth(from, list, POLICY);
}

describe('health: failures in a row', () => {
  it('starts healthy (or disabled by its creator)', () => {
    assert.deepEqual(initialHealth(true, T0), {
      status: 'healthy',
      reason: null,
      since: T0,
      consecutiveFailures: 0,
      failingSince: null,
      lastSuccessAt: null,
      lastFailureAt: null,
      failedMessages: 0,
      breaker: 'closed',
      breakerFaults: 0,
      breakerUntil: null,
      breakerOpenedAt: null,
    });
    const off = initialHealth(false, T0);
    assert.equal(off.status, 'disabled');
    assert.equal(off.reason, 'disabled_manually');
  });

  it('a healthy subscription that keeps succeeding changes only its last success: no transition, nothing held', () => {
    const change = after(events('success', 1, 2, 3));
    assert.equal(change.changed, true);
    assert.deepEqual(change.health, { ...initialHealth(true, T0), lastSuccessAt: T0 + 3 });
    assert.deepEqual(change.transitions, []);
    assert.equal(change.held, null);
    assert.equal(after(events('success', 2), change.health).changed, false, 'an older success than the last one changes nothing');
    // Kept to the second: a later success within a second of the stored one is not worth a write.
    assert.equal(after(events('success', 900), change.health).changed, false, 'within the second: nothing to write');
    const later = after(events('success', 1_003), change.health);
    assert.equal(later.changed, true, 'a second later: written');
    assert.equal(later.health.lastSuccessAt, T0 + 1_003);
    const failed = after(events('rejected', 500), change.health);
    assert.equal(failed.changed, true, 'any other change writes the times exact');
    assert.equal(failed.health.lastFailureAt, T0 + 500);
  });

  it('keeps when the last attempt answered 2xx was made, and the last that did not (another answer, no answer)', () => {
    const made = (signal: HealthSignal, startedAt: number, at: number): HealthEvent => ({
      signal,
      messageFailed: false,
      startedAt: T0 + startedAt,
      at: T0 + at,
    });
    const one = after([made('fault', 10, 40), made('success', 50, 55), made('rejected', 60, 61)]);
    assert.equal(one.health.lastSuccessAt, T0 + 50, 'when the attempt was made, not when its answer came');
    assert.equal(one.health.lastFailureAt, T0 + 60);
    const two = after([made('gone', 70, 80)], one.health);
    assert.equal(two.health.lastFailureAt, T0 + 70, '410 Gone is a failure');
    assert.equal(two.health.lastSuccessAt, T0 + 50);
    assert.equal(after([made('success', 1, 2)]).health.lastFailureAt, null);
    assert.equal(after(events('fault', 5)).health.lastFailureAt, T0 + 5, 'without startedAt: its result time');
  });

  it('is degraded after a failure, failing at the threshold, healthy again after a success', () => {
    const one = after(events('rejected', 10));
    assert.equal(one.health.status, 'degraded');
    assert.equal(one.health.reason, 'consecutive_failures');
    assert.equal(one.health.since, T0 + 10);
    assert.equal(one.health.failingSince, T0 + 10);
    assert.equal(one.health.consecutiveFailures, 1);
    const three = after(events('rejected', 10, 20, 30));
    assert.equal(three.health.status, 'failing');
    assert.equal(three.health.reason, 'consecutive_failures');
    assert.equal(three.health.since, T0 + 30);
    assert.equal(three.health.failingSince, T0 + 10);
    assert.equal(three.health.breaker, 'closed', 'a 4xx is an answer: the breaker does not count it');
    assert.deepEqual(
      three.transitions.map((t) => (t.kind === 'status' ? `${t.from}>${t.to}` : t.kind)),
      ['healthy>degraded', 'degraded>failing'],
    );
    const back = after(events('success', 40), three.health);
    assert.deepEqual(back.health, { ...initialHealth(true, T0 + 40), lastSuccessAt: T0 + 40, lastFailureAt: T0 + 30 });
    assert.deepEqual(back.transitions, [{ kind: 'status', from: 'failing', to: 'healthy', reason: null, at: T0 + 40 }]);
  });

  it('counts the messages failed for good since the failures began', () => {
    const list: HealthEvent[] = [
      { signal: 'fault', messageFailed: true, at: T0 + 1 },
      { signal: 'rejected', messageFailed: false, at: T0 + 2 },
      { signal: 'rejected', messageFailed: true, at: T0 + 3 },
    ];
    assert.equal(after(list).health.failedMessages, 2);
    assert.equal(after([...list, ...events('success', 4)]).health.failedMessages, 0);
  });
});

describe('health: the circuit breaker', () => {
  it('opens after the threshold of faults in a row, until the cool-down ends', () => {
    const two = after(events('fault', 1, 2));
    assert.equal(two.health.breaker, 'closed');
    assert.equal(two.health.breakerFaults, 2);
    const change = after(events('fault', 1, 2, 3));
    assert.equal(change.health.breaker, 'open');
    assert.equal(change.health.breakerUntil, T0 + 3 + POLICY.breakerCooldownMs);
    assert.equal(change.health.breakerOpenedAt, T0 + 3);
    assert.equal(change.health.status, 'failing');
    assert.equal(change.health.reason, 'breaker_open');
    assert.ok(change.transitions.some((t) => t.kind === 'breaker' && t.from === 'closed' && t.to === 'open' && t.at === T0 + 3));
    assert.equal(change.held, null, 'nothing was held before');
  });

  it('a 4xx between faults starts the count again', () => {
    const change = after([...events('fault', 1, 2), ...events('rejected', 3), ...events('fault', 4, 5)]);
    assert.equal(change.health.breaker, 'closed');
    assert.equal(change.health.breakerFaults, 2);
    assert.equal(change.health.consecutiveFailures, 5);
    assert.equal(change.health.status, 'failing', 'five failures in a row still make it failing');
  });

  it('a late fault of an attempt sent before it opened does not extend the cool-down', () => {
    const opened = after(events('fault', 1, 2, 3)).health;
    const late = after(events('fault', 50), opened);
    assert.equal(late.health.breakerUntil, opened.breakerUntil);
    assert.equal(late.health.breaker, 'open');
  });

  it('holds jobs back until the window; then one probe; others wait for its lease', () => {
    const opened = after(events('fault', 1, 2, 3)).health;
    const until = opened.breakerUntil as number;
    assert.deepEqual(probeVerdict(opened, until - 1, false), { send: false, until });
    assert.deepEqual(probeVerdict(opened, until, false), { send: true, probe: true });
    const early = decideProbe(opened, until - 1, until + 5_000, false);
    assert.equal(early.changed, false);
    assert.deepEqual(early.verdict, { send: false, until });

    const won = decideProbe(opened, until + 10, until + 5_000, false);
    assert.deepEqual(won.verdict, { send: true, probe: true });
    assert.equal(won.health.breaker, 'half_open');
    assert.equal(won.health.breakerUntil, until + 5_000);
    assert.equal(won.health.breakerOpenedAt, T0 + 3, 'still open since then');
    assert.deepEqual(won.held, { from: until, to: until + 5_000 }, 'messages held for the window wait for the probe');
    assert.deepEqual(won.transitions, [{ kind: 'breaker', from: 'open', to: 'half_open', at: until + 10 }]);

    const lost = decideProbe(won.health, until + 20, until + 6_000, false);
    assert.deepEqual(lost.verdict, { send: false, until: until + 5_000 });
    assert.equal(lost.changed, false);
    assert.deepEqual(
      decideProbe(won.health, until + 20, until + 6_000, true).verdict,
      { send: false, until: until + 5_000 },
      'one probe at a time, manual or not',
    );

    const expired = decideProbe(won.health, until + 5_000, until + 11_000, false);
    assert.deepEqual(expired.verdict, { send: true, probe: true }, 'a probe whose lease ran out (its worker died) is replaced');
    assert.equal(expired.health.breakerUntil, until + 11_000);
  });

  it("a person's resend may probe before the cool-down ends", () => {
    const opened = after(events('fault', 1, 2, 3)).health;
    const change = decideProbe(opened, T0 + 10, T0 + 5_000, true);
    assert.deepEqual(change.verdict, { send: true, probe: true });
    assert.equal(change.health.breaker, 'half_open');
  });

  it('a closed breaker, or a disabled subscription, lets the job go without a probe', () => {
    const closed = decideProbe(initialHealth(true, T0), T0, T0 + 1, false);
    assert.deepEqual(closed.verdict, { send: true, probe: false });
    assert.equal(closed.changed, false);
    assert.deepEqual(decideProbe(initialHealth(false, T0), T0, T0 + 1, false).verdict, { send: true, probe: false });
  });

  it('a failed probe opens it again for another cool-down; the held messages follow', () => {
    const opened = after(events('fault', 1, 2, 3)).health;
    const probing = decideProbe(opened, T0 + 2_000, T0 + 9_000, false).health;
    const stale = after(events('fault', 2_200), probing);
    assert.equal(stale.changed, true, 'counted as a failure...');
    assert.equal(stale.health.breaker, 'half_open', '...but a fault that is not the probe (sent before it opened) does not re-open it');
    assert.equal(stale.health.breakerUntil, T0 + 9_000);
    const failed = after([{ signal: 'fault', messageFailed: false, at: T0 + 2_500, probe: true }], probing);
    assert.equal(failed.health.breaker, 'open');
    assert.equal(failed.health.breakerUntil, T0 + 2_500 + POLICY.breakerCooldownMs);
    assert.equal(failed.health.breakerOpenedAt, T0 + 3);
    assert.deepEqual(failed.held, { from: T0 + 9_000, to: T0 + 3_500 });
    assert.deepEqual(failed.transitions, [{ kind: 'breaker', from: 'half_open', to: 'open', at: T0 + 2_500 }]);
  });

  it('any answer closes it and makes the held messages due now; a success makes it healthy', () => {
    const opened = after(events('fault', 1, 2, 3)).health;
    const probing = decideProbe(opened, T0 + 2_000, T0 + 9_000, false).health;
    const ok = after(events('success', 2_100), probing);
    assert.deepEqual(ok.health, { ...initialHealth(true, T0 + 2_100), lastSuccessAt: T0 + 2_100, lastFailureAt: T0 + 3 });
    assert.deepEqual(ok.held, { from: T0 + 9_000, to: T0 + 2_100 });
    assert.deepEqual(ok.transitions, [
      { kind: 'breaker', from: 'half_open', to: 'closed', at: T0 + 2_100 },
      { kind: 'status', from: 'failing', to: 'healthy', reason: null, at: T0 + 2_100 },
    ]);
    const answered = after(events('rejected', 2_100), probing);
    assert.equal(answered.health.breaker, 'closed');
    assert.equal(answered.health.status, 'failing', 'four failures in a row');
    assert.equal(answered.health.reason, 'consecutive_failures');
  });
});

describe('health: auto-disable', () => {
  it('disables at once on 410 Gone; a late result then records only its time', () => {
    const change = after([...events('fault', 1), ...events('gone', 2)]);
    assert.equal(change.health.status, 'disabled');
    assert.equal(change.health.reason, 'endpoint_gone');
    assert.equal(change.health.since, T0 + 2);
    assert.deepEqual(change.transitions.at(-1), { kind: 'status', from: 'degraded', to: 'disabled', reason: 'endpoint_gone', at: T0 + 2 });
    const late = after(events('success', 3), change.health);
    assert.deepEqual(late.health, { ...change.health, lastSuccessAt: T0 + 3 });
    assert.deepEqual(late.transitions, []);
  });

  it('disables as out of order after the window without a success, once enough messages failed', () => {
    const failed = (at: number): HealthEvent => ({ signal: 'fault', messageFailed: true, at: T0 + at });
    // Two failed messages but not yet failing for the window.
    const early = after([failed(0), failed(5_000), ...events('fault', 9_999)]);
    assert.notEqual(early.health.status, 'disabled');
    // The window has passed, but only one message failed for good.
    const few = after([failed(0), ...events('fault', 5_000, 10_000, 20_000)]);
    assert.notEqual(few.health.status, 'disabled');
    // Both.
    const out = after([failed(0), failed(5_000), ...events('fault', 10_000)]);
    assert.equal(out.health.status, 'disabled');
    assert.equal(out.health.reason, 'out_of_order');
    assert.equal(out.health.since, T0 + 10_000);
    assert.equal(out.health.breaker, 'closed', 'a disabled subscription has no breaker to probe');
    assert.ok(out.transitions.some((t) => t.kind === 'status' && t.to === 'disabled' && t.reason === 'out_of_order'));
    // A success in between starts the window again.
    const reset = after([failed(0), failed(5_000), ...events('success', 6_000), failed(7_000), failed(12_000)]);
    assert.notEqual(reset.health.status, 'disabled');
    // 0: never.
    assert.notEqual(
      recordHealth(initialHealth(true, T0), [failed(0), failed(1e9)], { ...POLICY, autoDisableAfterMs: 0 }).health.status,
      'disabled',
    );
  });

  it('disabling through the API closes the breaker and releases what it held; enabling clears everything but the last times', () => {
    const opened = after(events('fault', 1, 2, 3)).health;
    const off = disableHealth(opened, 'disabled_manually', T0 + 100);
    assert.equal(off.health.status, 'disabled');
    assert.equal(off.health.reason, 'disabled_manually');
    assert.equal(off.health.breaker, 'closed');
    assert.equal(off.health.consecutiveFailures, 3, 'the counts stay for whoever looks');
    assert.deepEqual(off.held, { from: opened.breakerUntil, to: T0 + 100 });
    const on = enableHealth(off.health, T0 + 200);
    assert.deepEqual(on.health, { ...initialHealth(true, T0 + 200), lastFailureAt: T0 + 3 });
    assert.deepEqual(on.transitions, [{ kind: 'status', from: 'disabled', to: 'healthy', reason: null, at: T0 + 200 }]);
  });
});

describe('health settings', () => {
  it("the settings' defaults are the policy's defaults (10 faults, 30 s, 5 days, 2 messages)", () => {
    assert.deepEqual(healthPolicy(resolveConfig({})), DEFAULT_HEALTH_POLICY);
    assert.deepEqual(healthPolicy(resolveConfig({ breakerCooldownSeconds: 0.5, autoDisableAfterSeconds: 2 })), {
      ...DEFAULT_HEALTH_POLICY,
      breakerCooldownMs: 500,
      autoDisableAfterMs: 2_000,
    });
  });
});
