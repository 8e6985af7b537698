// Herald's version, from its package.json: the same relative path from src/util and dist/util.
import { readFileSync } from 'node:fs';

export const HERALD_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
