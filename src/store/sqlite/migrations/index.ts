// The SQLite migrations in order. Append new ones; never edit or reorder a shipped one.
import m0001 from './0001-init.js';

export const migrations: { version: number; name: string; sql: string }[] = [{ version: 1, name: 'init', sql: m0001 }];
