// The README's settings table is generated from the config schema; this fails when it is stale.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigSchema } from '../../src/config/config.js';
import { settingsTable, withGeneratedTables } from '../../src/config/settings-doc.js';

describe('settings reference', () => {
  it('names every setting with its environment variable', () => {
    const table = settingsTable();
    for (const [key, s] of Object.entries(ConfigSchema.properties as Record<string, { env?: string }>)) {
      assert.ok(s.env, `${key} has an environment variable`);
      assert.ok(table.includes(`\`${s.env}\``), `${s.env} is in the table`);
    }
  });

  it('is current in README.md (run `npm run docs` after changing settings)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    assert.equal(withGeneratedTables(readme), readme);
  });
});
