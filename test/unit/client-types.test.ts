// The typed client's types (src/client/schema.ts) are generated from docs/openapi.json and
// committed; this fails when they drift from it (run `npm run client-types` and commit), as
// jiwa-openapi.test.ts does for the document itself.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLIENT_TYPES_PATH, generateClientTypes } from '../../scripts/client-types.js';
import { OPENAPI_PATH } from '../../scripts/openapi.js';

describe('typed client types', () => {
  it(`${CLIENT_TYPES_PATH} is what docs/openapi.json generates (npm run client-types regenerates it)`, async () => {
    const committed = readFileSync(CLIENT_TYPES_PATH, 'utf8');
    assert.ok(
      committed === (await generateClientTypes()),
      `${CLIENT_TYPES_PATH} is out of date: run \`npm run client-types\` and commit it`,
    );
  });

  it('a change to the document changes the types, so the check above catches it', async () => {
    const doc = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as { paths: Record<string, unknown> };
    doc.paths['/v1/widgets'] = {
      get: {
        responses: {
          200: {
            description: 'ok',
            content: { 'application/json': { schema: { type: 'object', properties: { size: { type: 'integer' } } } } },
          },
        },
      },
    };
    const dir = mkdtempSync(join(tmpdir(), 'herald-client-types-'));
    try {
      const changed = join(dir, 'openapi.json');
      writeFileSync(changed, JSON.stringify(doc));
      const types = await generateClientTypes(changed);
      assert.notEqual(types, readFileSync(CLIENT_TYPES_PATH, 'utf8'));
      assert.match(types, /"\/v1\/widgets": \{/);
      assert.match(types, /size\?: number;/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
