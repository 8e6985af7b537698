// Writes the OpenAPI document the API serves at /openapi.json to docs/openapi.json, so it is
// reviewed with the code and checked for drift (test/integration/jiwa-openapi.test.ts).
// Usage: npm run openapi
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildApp } from '../src/api/app.js';
import { resolveConfig } from '../src/config/config.js';
import { sqliteStore } from '../src/store/sqlite/sqlite-store.js';

export const OPENAPI_PATH = 'docs/openapi.json';

/** The document with the default configuration (some bounds in it come from settings). */
export async function generateOpenApi(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-openapi-'));
  const store = sqliteStore({ path: join(dir, 'herald.db') });
  try {
    const app = await buildApp({ store, config: resolveConfig({ logLevel: 'silent', databaseUrl: `sqlite:${join(dir, 'herald.db')}` }) });
    await app.ready();
    const doc = app.swagger();
    await app.close();
    return `${JSON.stringify(doc, null, 2)}\n`;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(OPENAPI_PATH, await generateOpenApi());
  console.log(`wrote ${OPENAPI_PATH}`);
}
