// The stats panel's series window: 1,440 whole minutes ending with the one `now` is in.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SERIES_BUCKETS, SERIES_INTERVAL_MS, seriesEnd, seriesWindow } from '../../src/domain/stats.js';

describe('seriesWindow', () => {
  test('24 h of minutes, the last one the current minute, boundaries on whole minutes', () => {
    const minute = Date.UTC(2026, 10, 26, 14, 7);
    for (const now of [minute, minute + 1, minute + 59_999]) {
      const w = seriesWindow(now);
      assert.deepEqual(w, { start: minute - 1_439 * 60_000, intervalMs: 60_000, buckets: 1_440 });
      assert.equal(seriesEnd(w), minute + 60_000);
      assert.ok(w.start <= now - 24 * 3_600_000 + 60_000 && now < seriesEnd(w));
    }
    assert.equal(SERIES_BUCKETS, 1_440);
    assert.equal(SERIES_INTERVAL_MS, 60_000);
    assert.equal(seriesWindow(minute + 60_000).start, minute - 1_438 * 60_000, 'the next minute moves it by one bucket');
  });

  test('other intervals and counts; nonsense is refused', () => {
    assert.deepEqual(seriesWindow(10_500, 1_000, 3), { start: 8_000, intervalMs: 1_000, buckets: 3 });
    for (const [interval, buckets] of [
      [0, 10],
      [1_000, 0],
      [1.5, 10],
      [1_000, Number.NaN],
    ] as const) {
      assert.throws(() => seriesWindow(0, interval, buckets), RangeError);
    }
  });
});
