// HERALD_PUBLIC_URL (src/config/config.ts): Herald's public base URL as receivers see it (the
// cloudblue `api_url`), derived from the listener when unset, and refused when it is not an
// http(s) base URL.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, publicBaseUrl, resolveConfig } from '../../src/config/config.js';

describe('HERALD_PUBLIC_URL', () => {
  it('unset: the listener, a wildcard address shown as localhost', () => {
    assert.equal(publicBaseUrl(resolveConfig({})), 'http://localhost:8080');
    assert.equal(publicBaseUrl(resolveConfig({ host: '10.1.2.3', port: 9000 })), 'http://10.1.2.3:9000');
    assert.equal(publicBaseUrl(resolveConfig({ host: '::1', port: 9000 })), 'http://[::1]:9000');
  });

  it('set: used as given, without a trailing slash', () => {
    assert.equal(publicBaseUrl(resolveConfig({ publicUrl: 'https://hooks.example.com/' })), 'https://hooks.example.com');
    assert.equal(publicBaseUrl(resolveConfig({ publicUrl: 'https://example.com/herald' })), 'https://example.com/herald');
  });

  it('refuses what is not an http(s) base URL', () => {
    for (const publicUrl of ['hooks.example.com', 'ftp://example.com', 'https://example.com/?x=1']) {
      assert.throws(() => resolveConfig({ publicUrl }), ConfigError, publicUrl);
    }
  });
});
