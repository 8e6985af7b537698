// The lease check made when the configuration loads: a claim's lease (attempt deadline + lease
// margin) must outlast the longest attempt a subscription may ask for, or the process refuses to
// start. Checked on resolveConfig directly and on a real `herald serve`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ConfigError, fromEnv, MIN_LEASE_MARGIN_MS, resolveConfig } from '../../src/config/config.js';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('lease check at config load', () => {
  it('accepts the defaults', () => {
    assert.doesNotThrow(() => resolveConfig({}));
  });

  it('refuses a margin too small to record an attempt before its lease ends, naming the setting', () => {
    for (const leaseMarginMs of [0, 1, MIN_LEASE_MARGIN_MS - 1]) {
      assert.throws(
        () => resolveConfig({ leaseMarginMs }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.message.includes('HERALD_LEASE_MARGIN_MS') &&
          err.message.includes('lease') &&
          err.message.includes(`${MIN_LEASE_MARGIN_MS} ms`),
        `leaseMarginMs ${leaseMarginMs}`,
      );
    }
    // Whatever the longest per-subscription timeout, and also from the environment.
    assert.throws(() => resolveConfig({ maxTimeoutSeconds: 3600, leaseMarginMs: 500 }), ConfigError);
    assert.throws(() => resolveConfig(fromEnv({ HERALD_LEASE_MARGIN_MS: '999' })), ConfigError);
  });

  it('accepts the smallest margin for every deadline up to the longest, including fractional ones', () => {
    for (const [timeoutSeconds, maxTimeoutSeconds] of [
      [0.1, 1],
      [2.5, 3600],
      [30, 300],
    ] as const) {
      assert.doesNotThrow(
        () => resolveConfig({ timeoutSeconds, maxTimeoutSeconds, leaseMarginMs: MIN_LEASE_MARGIN_MS }),
        `${timeoutSeconds} s`,
      );
    }
  });

  it('refuses an absurd margin rather than overflowing lease times', () => {
    assert.throws(() => resolveConfig({ leaseMarginMs: 10 ** 12 }), ConfigError);
  });

  it('makes `herald serve` exit with the message before touching any database', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--db', 'sqlite::memory:'], {
      cwd: ROOT,
      env: { ...process.env, HERALD_LEASE_MARGIN_MS: '200', HERALD_ADMIN_KEY: 'test-admin-key-0123456789' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /herald: invalid setting leaseMarginMs \(HERALD_LEASE_MARGIN_MS\): 200 ms/);
  });
});
