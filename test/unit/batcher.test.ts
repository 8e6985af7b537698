// The Batcher behind group commit and outcome recording: batches form while a write runs, results
// come back per item in order, at most `writers` writes run at once, and flushed() waits for all.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Batcher } from '../../src/util/batcher.js';

function deferredWriter(log: number[][]) {
  let running = 0;
  let peak = 0;
  const write = async (items: number[]) => {
    running++;
    peak = Math.max(peak, running);
    log.push(items);
    await new Promise((resolve) => setTimeout(resolve, 5));
    running--;
    return items.map((i) => i * 10);
  };
  return { write, peak: () => peak };
}

describe('Batcher', () => {
  it('answers each item with its own result and groups items submitted together', async () => {
    const log: number[][] = [];
    const { write } = deferredWriter(log);
    const batcher = new Batcher(write, 100);
    const results = await Promise.all([1, 2, 3].map((i) => batcher.submit(i)));
    assert.deepEqual(results, [10, 20, 30]);
    assert.deepEqual(log, [[1, 2, 3]]);
  });

  it('collects what arrives during a write into the next batch, capped at maxBatch', async () => {
    const log: number[][] = [];
    const { write, peak } = deferredWriter(log);
    const batcher = new Batcher(write, 2);
    const first = batcher.submit(1);
    await new Promise((resolve) => setImmediate(resolve)); // the first write has started
    const rest = [2, 3, 4].map((i) => batcher.submit(i));
    assert.deepEqual(await Promise.all([first, ...rest]), [10, 20, 30, 40]);
    assert.deepEqual(log, [[1], [2, 3], [4]]);
    assert.equal(peak(), 1);
  });

  it('runs up to `writers` writes at once', async () => {
    const log: number[][] = [];
    const { write, peak } = deferredWriter(log);
    const batcher = new Batcher(write, 1, 3);
    const all: Promise<number>[] = [];
    for (let i = 0; i < 6; i++) {
      all.push(batcher.submit(i));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(all);
    assert.equal(peak(), 3);
    assert.equal(log.flat().length, 6);
  });

  it('rejects the items of a failed write only, and flushed() waits for every write', async () => {
    let calls = 0;
    const batcher = new Batcher(async (items: number[]) => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (items.includes(13)) throw new Error('unlucky');
      return items;
    }, 1);
    const ok = batcher.submit(1);
    const bad = batcher.submit(13);
    const badSettled = assert.rejects(bad, /unlucky/);
    const later = batcher.submit(2);
    await batcher.flushed();
    assert.equal(calls, 3);
    assert.equal(await ok, 1);
    await badSettled;
    assert.equal(await later, 2);
  });
});
