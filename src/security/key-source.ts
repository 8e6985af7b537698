// Where the secret key comes from. In order:
//   1. HERALD_SECRET_KEY (config `secretKey`): 32 bytes as base64 or hex. Required with PostgreSQL.
//   2. SQLite: a key file next to the database (`herald.db` → `herald.db.key`), created with mode
//      0600 on first start. It must be backed up with the database, never inside it.
//   3. `sqlite::memory:`: a fresh key per process, as the database lives no longer than that.
// PostgreSQL without HERALD_SECRET_KEY refuses to start: API and worker processes on several
// machines must share one key, and a key file per machine would silently disagree.
import { closeSync, existsSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../config/config.js';
import { sqlitePath } from '../store/open.js';
import { formatSecretKey, generateSecretKey, parseSecretKey, SecretKeyError } from './secret-box.js';

export const KEY_FILE_SUFFIX = '.key';
const KEY_FILE_MODE = 0o600; // owner read/write only

export interface LoadedKey {
  key: Buffer;
  source: 'config' | 'file' | 'memory';
  /** The key file, when source is `file`. */
  path: string | null;
  /** The key file was created by this call (remove it if start-up fails). */
  created: boolean;
  /** Something the operator should hear about (a key file others can read). */
  warning: string | null;
}

export function isPostgresUrl(databaseUrl: string): boolean {
  return databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://');
}

/** The key file of an SQLite database, or null for PostgreSQL and in-memory databases. */
export function keyFilePath(databaseUrl: string): string | null {
  if (isPostgresUrl(databaseUrl)) return null;
  const path = sqlitePath(databaseUrl);
  if (path === ':memory:' || path === '') return null;
  return resolve(`${path}${KEY_FILE_SUFFIX}`);
}

export function readKeyFile(path: string): Buffer {
  try {
    return parseSecretKey(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SecretKeyError(`cannot use the key file ${path}: ${(err as Error).message}`);
  }
}

/** Writes `key` to a new file with mode 0600; fails if the file exists. */
export function writeKeyFile(path: string, key: Buffer): void {
  const fd = openSync(path, 'wx', KEY_FILE_MODE);
  try {
    writeSync(fd, `${formatSecretKey(key)}\n`);
  } finally {
    closeSync(fd);
  }
}

/** loadSecretKey for start-up and CLI commands: a missing or bad key is a configuration error. */
export function loadConfiguredSecretKey(config: { secretKey: string | null; databaseUrl: string }): LoadedKey {
  try {
    return loadSecretKey(config);
  } catch (err) {
    if (err instanceof SecretKeyError) throw new ConfigError(err.message);
    throw err;
  }
}

export function loadSecretKey(config: { secretKey: string | null; databaseUrl: string }): LoadedKey {
  if (config.secretKey !== null) {
    try {
      return { key: parseSecretKey(config.secretKey), source: 'config', path: null, created: false, warning: null };
    } catch (err) {
      throw new SecretKeyError(`HERALD_SECRET_KEY: ${(err as Error).message}`);
    }
  }
  if (isPostgresUrl(config.databaseUrl)) {
    throw new SecretKeyError(
      'HERALD_SECRET_KEY is required with PostgreSQL: every Herald process must encrypt subscription secrets with the same key ' +
        '(generate one with `openssl rand -base64 32`)',
    );
  }
  const path = keyFilePath(config.databaseUrl);
  if (path === null) return { key: generateSecretKey(), source: 'memory', path: null, created: false, warning: null };
  if (!existsSync(path)) {
    const key = generateSecretKey();
    try {
      writeKeyFile(path, key);
      return { key, source: 'file', path, created: true, warning: null };
    } catch (err) {
      // Another process created it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new SecretKeyError(`cannot create the key file ${path}: ${(err as Error).message}`);
    }
  }
  const mode = statSync(path).mode & 0o777;
  const warning = (mode & 0o077) !== 0 ? `the key file ${path} can be read by other users (mode ${mode.toString(8)}); chmod 600 it` : null;
  return { key: readKeyFile(path), source: 'file', path, created: false, warning };
}

/** Removes a key file this process just created, when start-up fails after creating it. */
export function discardCreatedKey(loaded: LoadedKey): void {
  if (loaded.created && loaded.path) {
    try {
      unlinkSync(loaded.path);
    } catch {
      // already gone
    }
  }
}
