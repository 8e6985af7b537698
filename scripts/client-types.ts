// Writes the typed client's types (src/client/schema.ts) from the committed OpenAPI document with
// openapi-typescript, so `herald/client` cannot drift from the API: a test regenerates them and
// compares (test/unit/client-types.test.ts). Run after `npm run openapi`.
// Usage: npm run client-types
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { OPENAPI_PATH } from './openapi.js';

export const CLIENT_TYPES_PATH = 'src/client/schema.ts';

const HEADER = `// Generated from ${OPENAPI_PATH} by \`npm run client-types\` (openapi-typescript): do not edit.\n`;

/** The types file for the document at `path` (the committed OpenAPI document by default). */
export async function generateClientTypes(path: string = OPENAPI_PATH): Promise<string> {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as Parameters<typeof openapiTS>[0];
  const ast = await openapiTS(doc, { silent: true });
  return HEADER + astToString(ast);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(CLIENT_TYPES_PATH, await generateClientTypes());
  console.log(`wrote ${CLIENT_TYPES_PATH}`);
}
