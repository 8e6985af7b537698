import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextState } from '../../src/delivery/classify.js';
import { patternsMatching } from '../../src/domain/event-types.js';
import { parseRetryAfter, RETRY_AFTER_MAX_SECONDS, retryDelaySeconds, withJitter } from '../../src/domain/retry-policy.js';

const jiwa = { retryInterval: 1, maxRetries: 6 };

describe('retry policy', () => {
  it('follows the Jiwa schedule 10^(n × interval) for MaxRetries retries', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6].map((n) => retryDelaySeconds(n, null, jiwa)),
      [1, 10, 100, 1_000, 10_000, 100_000, null],
    );
    assert.equal(retryDelaySeconds(2, null, { retryInterval: 0.5, maxRetries: 6 }), 10);
  });

  it('uses a subscription schedule instead when given', () => {
    assert.deepEqual(
      [0, 1, 2].map((n) => retryDelaySeconds(n, [5, 30], jiwa)),
      [5, 30, null],
    );
  });

  it('adds at most ±10 % jitter', () => {
    assert.equal(
      withJitter(1000, () => 0),
      900,
    );
    assert.equal(
      withJitter(1000, () => 1),
      1100,
    );
  });

  it('reads Retry-After as seconds or an HTTP date, bounded', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('7', now), 7);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30);
    assert.equal(parseRetryAfter('999999', now), RETRY_AFTER_MAX_SECONDS);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter(undefined, now), null);
  });
});

describe('attempt outcomes', () => {
  const job = { retries: 0, retrySchedule: null };
  const response = (statusCode: number, headers: Record<string, string> = {}) =>
    ({ kind: 'response', statusCode, headers, body: '', durationMs: 1 }) as const;

  it('2xx succeeds, 410 fails and disables, 3xx and 5xx retry', () => {
    assert.equal(nextState(job.retries, job.retrySchedule, response(204), jiwa, 0).status, 'succeeded');
    assert.deepEqual(nextState(job.retries, job.retrySchedule, response(410), jiwa, 0), {
      status: 'failed',
      retries: 0,
      nextAttemptAt: null,
      health: 'gone',
    });
    assert.equal(nextState(job.retries, job.retrySchedule, response(302), jiwa, 0).status, 'retrying');
    const retry = nextState(job.retries, job.retrySchedule, response(500), jiwa, 0);
    assert.equal(retry.retries, 1);
    assert.ok((retry.nextAttemptAt as number) >= 900 && (retry.nextAttemptAt as number) <= 1100);
  });

  it('fails once the retries are used up', () => {
    assert.equal(nextState(6, null, response(500), jiwa, 0).status, 'failed');
    const err = { kind: 'error', code: 'timeout', message: 't', durationMs: 1 } as const;
    assert.equal(nextState(1, [1], err, jiwa, 0).status, 'failed');
  });

  it('429 and 503 wait for Retry-After', () => {
    assert.equal(nextState(job.retries, job.retrySchedule, response(429, { 'retry-after': '120' }), jiwa, 0).nextAttemptAt, 120_000);
    assert.equal(nextState(job.retries, job.retrySchedule, response(503, { 'retry-after': '5' }), jiwa, 0).nextAttemptAt, 5_000);
  });
});

describe('event type patterns', () => {
  it('lists every pattern that matches a type', () => {
    assert.deepEqual(patternsMatching('a.b.c').sort(), ['*', 'a.*', 'a.b.*', 'a.b.c'].sort());
  });
});
