// The PostgreSQL migrations, in order. Each is a TypeScript module exporting its SQL so that the
// compiled `dist/` carries them without a copy step. Append only: a shipped migration never changes.
import init from './0001-init.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: '0001-init', sql: init }];
