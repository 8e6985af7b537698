// The BatchAssembler (src/delivery/batcher.ts): batches close on maxEvents, on maxBytes (before the
// member that would not fit) and on maxWaitMs, per subscription, in the order members came.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchAssembler } from '../../src/delivery/batcher.js';
import type { Queued } from '../../src/delivery/job-queue.js';
import type { BatchSettings } from '../../src/domain/glossary.js';
import type { DeliveryJob } from '../../src/store/store.js';
import { subscriptionFixture } from '../helpers/fixtures.js';

function jobs(subscriptionId: string, batch: BatchSettings, count: number): Queued[] {
  const subscription = subscriptionFixture({ id: subscriptionId, subscriberId: 'sbr_test', batch });
  return Array.from({ length: count }, (_, i) => ({
    job: { messageId: `${subscriptionId}-${i}`, subscription } as DeliveryJob,
    leaseEnds: 1_000_000 + i,
  }));
}

function assembler(sizes: Map<string, number> = new Map()) {
  const closed: string[][] = [];
  const a = new BatchAssembler(
    (members) => closed.push(members.map((m) => m.job.messageId)),
    (q) => sizes.get(q.job.messageId) ?? 10,
  );
  return { a, closed };
}

describe('BatchAssembler', () => {
  it('closes a batch at maxEvents, per subscription, members in the order they came', () => {
    const { a, closed } = assembler();
    const one = jobs('sub_a', { maxEvents: 3, maxWaitMs: 60_000, maxBytes: null }, 7);
    const two = jobs('sub_b', { maxEvents: 2, maxWaitMs: 60_000, maxBytes: null }, 2);
    for (const q of [...one.slice(0, 2), ...two, ...one.slice(2)]) a.add(q);
    assert.deepEqual(closed, [
      ['sub_b-0', 'sub_b-1'],
      ['sub_a-0', 'sub_a-1', 'sub_a-2'],
      ['sub_a-3', 'sub_a-4', 'sub_a-5'],
    ]);
    assert.equal(a.size, 1);
    assert.deepEqual(
      a.drain().map((q) => q.job.messageId),
      ['sub_a-6'],
    );
    assert.equal(a.size, 0);
  });

  it('closes before a member that would take the body past maxBytes; a member larger on its own goes alone', () => {
    // Bodies of 400 bytes: `[a,b]` is 803 bytes, a third would make 1,204 > 1,024.
    const queued = jobs('sub_a', { maxEvents: 100, maxWaitMs: 60_000, maxBytes: 1_024 }, 6);
    const sizes = new Map(queued.map((q) => [q.job.messageId, 400]));
    sizes.set('sub_a-3', 5_000);
    const { a, closed } = assembler(sizes);
    for (const q of queued) a.add(q);
    assert.deepEqual(closed, [['sub_a-0', 'sub_a-1'], ['sub_a-2'], ['sub_a-3']]);
    assert.deepEqual(
      a.drain().map((q) => q.job.messageId),
      ['sub_a-4', 'sub_a-5'],
    );
  });

  it('closes an exactly full body at once', () => {
    const queued = jobs('sub_a', { maxEvents: 100, maxWaitMs: 60_000, maxBytes: 1_024 }, 2);
    const sizes = new Map([
      ['sub_a-0', 500],
      ['sub_a-1', 521], // [500 bytes,521 bytes] = 1,024
    ]);
    const { a, closed } = assembler(sizes);
    for (const q of queued) a.add(q);
    assert.deepEqual(closed, [['sub_a-0', 'sub_a-1']]);
  });

  it('closes what has gathered maxWaitMs after its first member came', async () => {
    const { a, closed } = assembler();
    const queued = jobs('sub_a', { maxEvents: 100, maxWaitMs: 100, maxBytes: null }, 3);
    a.add(queued[0] as Queued);
    await new Promise((r) => setTimeout(r, 60));
    a.add(queued[1] as Queued);
    assert.deepEqual(closed, []);
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(closed, [['sub_a-0', 'sub_a-1']], 'by the first member’s wait, not the last one’s');
    a.add(queued[2] as Queued);
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(closed[1], ['sub_a-2']);
  });
});
