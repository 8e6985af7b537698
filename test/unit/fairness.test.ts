// Per-endpoint caps (src/delivery/fairness.ts): how an endpoint's share of the attempts in flight
// grows and shrinks, and the claim's share-out rule both stores apply.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { claimScan, EndpointLimits, roomAcrossProcesses, takeShares } from '../../src/delivery/fairness.js';

const OPTIONS = { initial: 4, max: 16, fastMs: 1_000 };

/** Starts as many attempts to `id` as its cap allows; returns how many started. */
function fill(limits: EndpointLimits, id: string): number {
  let started = 0;
  while (limits.tryStart(id)) started++;
  return started;
}

describe('EndpointLimits', () => {
  it('lets an endpoint it has not seen have `initial` attempts in flight, then refuses', () => {
    const limits = new EndpointLimits(OPTIONS);
    assert.equal(fill(limits, 'sub_a'), 4);
    assert.equal(limits.inFlight('sub_a'), 4);
    assert.equal(limits.tryStart('sub_a'), false);
    assert.equal(limits.tryStart('sub_b'), true, 'another endpoint has its own cap');
    assert.deepEqual(limits.saturated(), ['sub_a']);
  });

  it('raises the cap by one for each fast success at the cap, up to `max`', () => {
    const limits = new EndpointLimits(OPTIONS);
    fill(limits, 'sub_a');
    limits.finish('sub_a', 'ok', 5);
    assert.equal(limits.limit('sub_a'), 5);
    // Kept at its cap (each answer's slot taken again at once, as the dispatcher does), every fast
    // answer raises it: 5 → 16 (max) in 11 answers.
    for (let i = 0; i < 20; i++) {
      fill(limits, 'sub_a');
      limits.finish('sub_a', 'ok', 5);
    }
    assert.equal(limits.limit('sub_a'), 16);
    assert.equal(limits.inFlight('sub_a'), 15);
  });

  it('does not raise the cap for slow successes, or for fast ones while below the cap', () => {
    const limits = new EndpointLimits(OPTIONS);
    fill(limits, 'sub_a');
    limits.finish('sub_a', 'ok', 1_500); // slow, at the cap
    assert.equal(limits.limit('sub_a'), 4);
    limits.finish('sub_a', 'ok', 5); // fast, but 2 of 4 in flight: not at the cap
    assert.equal(limits.limit('sub_a'), 4);
  });

  it('halves the cap on each failure, down to 1, and leaves it on a neutral answer', () => {
    const limits = new EndpointLimits({ ...OPTIONS, initial: 16 });
    fill(limits, 'sub_dead');
    limits.finish('sub_dead', 'failure', 30_000);
    assert.equal(limits.limit('sub_dead'), 8);
    limits.finish('sub_dead', 'neutral', 10);
    assert.equal(limits.limit('sub_dead'), 8);
    for (let i = 0; i < 14; i++) limits.finish('sub_dead', 'failure', 30_000);
    assert.equal(limits.limit('sub_dead'), 1);
    assert.equal(limits.inFlight('sub_dead'), 0);
    assert.equal(fill(limits, 'sub_dead'), 1, 'a dead endpoint keeps one attempt in flight');
  });

  it('remembers a failing endpoint while idle, and forgets a healthy idle one', () => {
    const limits = new EndpointLimits(OPTIONS);
    limits.tryStart('sub_dead');
    limits.finish('sub_dead', 'failure', 30_000);
    assert.equal(limits.limit('sub_dead'), 2, 'kept: below initial');
    limits.tryStart('sub_ok');
    limits.finish('sub_ok', 'ok', 5);
    assert.equal(limits.limit('sub_ok'), 4);
    assert.deepEqual(limits.saturated(), []);
  });

  it('offers claims the largest headroom of an endpoint, and at least `initial`', () => {
    const limits = new EndpointLimits(OPTIONS);
    assert.equal(limits.claimShare(), 4);
    for (let i = 0; i < 8; i++) {
      fill(limits, 'sub_a');
      limits.finish('sub_a', 'ok', 5);
    }
    assert.equal(limits.limit('sub_a'), 12);
    for (let i = 0; i < 6; i++) limits.finish('sub_a', 'neutral', 5);
    assert.equal(limits.inFlight('sub_a'), 4);
    assert.equal(limits.claimShare(), 8, 'sub_a may take 12 - 4 more');
  });
});

describe('takeShares', () => {
  it('takes oldest first, at most `perSubscription` of any subscription, up to `limit`', () => {
    const due = ['a', 'a', 'a', 'b', 'a', 'c', 'b', 'b', 'c'];
    assert.deepEqual(takeShares(due, 2, 10), [0, 1, 3, 5, 6, 8]);
    assert.deepEqual(takeShares(due, 2, 4), [0, 1, 3, 5]);
    assert.deepEqual(takeShares(due, 10, 3), [0, 1, 2]);
    assert.deepEqual(takeShares([], 2, 10), []);
  });

  it('looks further than the limit only when the share binds', () => {
    assert.equal(claimScan(100, 100), 100);
    assert.equal(claimScan(100, 500), 100);
    assert.ok(claimScan(100, 16) > 100);
  });
});

describe('EndpointLimits with a fixed maxInFlight', () => {
  it('never lets more than maxInFlight go, whatever the adaptive cap', () => {
    const limits = new EndpointLimits(OPTIONS);
    assert.equal(limits.tryStart('sub_one', 1), true);
    assert.equal(limits.tryStart('sub_one', 1), false);
    assert.deepEqual(limits.saturated(), ['sub_one']);
    assert.equal(limits.limit('sub_one'), 1);
    limits.finish('sub_one', 'ok', 5);
    assert.equal(limits.tryStart('sub_one', 1), true);
    assert.equal(limits.tryStart('sub_one', 1), false);
    limits.finish('sub_one', 'ok', 5);
    assert.equal(limits.tryStart('sub_one', null), true, 'once maxInFlight is cleared, the adaptive cap applies');
    assert.equal(limits.tryStart('sub_one', null), true);
  });
});

describe('roomAcrossProcesses', () => {
  const share = { skip: [], perSubscription: 8, caps: { sub_a: 4, sub_b: 1 }, initialCap: 16 };
  it("is the claimer's cap less what every process holds leased, at most the claim's share", () => {
    assert.equal(roomAcrossProcesses(share, 'sub_a', null, 1), 3);
    assert.equal(roomAcrossProcesses(share, 'sub_a', null, 4), 0);
    assert.equal(roomAcrossProcesses(share, 'sub_a', null, 9), 0, 'never negative');
    assert.equal(roomAcrossProcesses(share, 'sub_b', 10, 0), 1, 'the claimer’s own cap wins over maxInFlight');
  });
  it('an endpoint the claimer has no state for starts at the initial cap, bounded by maxInFlight', () => {
    assert.equal(roomAcrossProcesses(share, 'sub_new', null, 0), 8, 'the share binds first');
    assert.equal(roomAcrossProcesses(share, 'sub_new', null, 12), 4);
    assert.equal(roomAcrossProcesses(share, 'sub_new', 2, 1), 1);
    assert.equal(roomAcrossProcesses({ skip: [], perSubscription: 100 }, 'sub_new', null, 50), 100, 'without caps: only the share');
  });
  it("counts a batched subscription's cap and share in messages, maxEvents per attempt", () => {
    assert.equal(roomAcrossProcesses(share, 'sub_a', null, 1, 10), 39, 'a cap of 4 batches of 10, less the one message held');
    assert.equal(roomAcrossProcesses(share, 'sub_a', null, 40, 10), 0);
    assert.equal(roomAcrossProcesses(share, 'sub_new', null, 0, 5), 40, "the claim's share of 8 attempts: 40 messages");
  });
  it('takeShares takes each subscription up to its own room', () => {
    const room: Record<string, number> = { a: 2, b: 0, c: 1 };
    assert.deepEqual(
      takeShares(['a', 'b', 'a', 'c', 'a', 'c'], (id) => room[id] ?? 0, 10),
      [0, 2, 3],
    );
  });
});
