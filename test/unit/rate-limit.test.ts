// The rate-limit rule (src/delivery/rate-limit.ts): GCRA over one stored number.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { burstOf, takeSends } from '../../src/delivery/rate-limit.js';

describe('rate-limit rule', () => {
  it('grants a small burst to a fresh budget, then one send per interval', () => {
    const rule = { limit: 20, periodSeconds: 5 }; // 250 ms apart, burst 2
    assert.equal(burstOf(rule), 2);
    assert.equal(burstOf({ limit: 1, periodSeconds: 1 }), 1, 'never more than the limit');
    const first = takeSends(null, 1_000, rule, 10);
    assert.deepEqual(first, { granted: 2, tat: 1_500, nextAt: 1_250 });
    const early = takeSends(first.tat, 1_100, rule, 10);
    assert.equal(early.granted, 0);
    assert.equal(early.nextAt, 1_250);
    assert.equal(early.tat, 1_500, 'nothing granted, nothing spent');
    const onTime = takeSends(first.tat, 1_250, rule, 10);
    assert.equal(onTime.granted, 1);
    const late = takeSends(onTime.tat, 1_700, rule, 10); // 200 ms late for its send at 1,500
    assert.equal(late.granted, 1);
    assert.equal(takeSends(late.tat, 1_750, rule, 10).granted, 1, 'a late take loses nothing: the next is on time');
  });

  it('grants up to the burst at once and never more than asked', () => {
    const rule = { limit: 1_000, periodSeconds: 1 }; // 1 ms apart, burst 20
    assert.equal(burstOf(rule), 20);
    assert.equal(takeSends(null, 0, rule, 100).granted, 20);
    assert.equal(takeSends(null, 0, rule, 3).granted, 3);
    assert.equal(takeSends(null, 0, rule, 0).granted, 0);
  });

  it('an idle budget does not save up beyond the burst', () => {
    const rule = { limit: 100, periodSeconds: 60 };
    const old = takeSends(0, 0, rule, 2).tat;
    assert.equal(takeSends(old, 3_600_000, rule, 100).granted, burstOf(rule));
  });

  it('honours the limit over a simulated minute, however sends are asked for', () => {
    for (const rule of [
      { limit: 100, periodSeconds: 60 },
      { limit: 20, periodSeconds: 5 },
      { limit: 7, periodSeconds: 0.5 },
      { limit: 5_000, periodSeconds: 10 },
    ]) {
      let tat: number | null = null;
      let sent = 0;
      const sends: number[] = [];
      for (let now = 0; now < 60_000; now += 1) {
        const r = takeSends(tat, now, rule, 1 + (now % 5));
        tat = r.tat;
        sent += r.granted;
        for (let i = 0; i < r.granted; i++) sends.push(now);
      }
      const expected = (rule.limit * 60) / rule.periodSeconds;
      assert.ok(sent <= expected + burstOf(rule), `${JSON.stringify(rule)}: ${sent} > ${expected}`);
      assert.ok(sent >= expected * 0.97, `${JSON.stringify(rule)}: ${sent} well below ${expected}`);
      // Any window of one period holds at most limit + burst sends.
      const period = rule.periodSeconds * 1000;
      let lo = 0;
      for (let hi = 0; hi < sends.length; hi++) {
        while ((sends[hi] as number) - (sends[lo] as number) >= period) lo++;
        assert.ok(hi - lo + 1 <= rule.limit + burstOf(rule), `${JSON.stringify(rule)}: ${hi - lo + 1} in a period`);
      }
    }
  });
});
