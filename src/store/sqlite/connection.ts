// The SQLite database every part of the store (./*.ts) works on: one file through better-sqlite3,
// in WAL mode. better-sqlite3 is synchronous, so each method runs its statements in one transaction
// without yielding; the async signatures only honour the Store contract. Callers get throughput by
// batching (group commit for ingest, many outcomes per recordAttempts), not by concurrency: one
// process owns the file. Here too: how a SQLite error that means "the database cannot be used now"
// becomes HeraldError('store_unavailable'), and readiness until a write succeeds again.
import { accessSync, constants, mkdirSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { HeraldError } from '../../domain/errors.js';
import type { Row } from '../rows.js';

export type Params = Record<string, unknown>;

/** Runs an insert; a duplicate primary or unique key is HeraldError('conflict'), as on PostgreSQL. */
export function onConflict<T>(message: string, insert: () => T): T {
  try {
    return insert();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') throw new HeraldError('conflict', message);
    throw err;
  }
}

// SQLite errors that say the database cannot be used right now (not that the request is wrong),
// by result code; an extended code (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED, ...) counts as
// its primary one. They answer 503 store_unavailable, like an unreachable PostgreSQL.
const UNAVAILABLE: Record<string, string> = {
  SQLITE_FULL: 'the database disk is full',
  SQLITE_IOERR: 'the database file could not be read or written (I/O error)',
  SQLITE_READONLY: 'the database is read-only',
  SQLITE_CANTOPEN: 'the database file cannot be opened',
  SQLITE_PERM: 'the database file may not be accessed',
  SQLITE_BUSY: 'the database is locked by another process',
  SQLITE_LOCKED: 'the database is locked',
  SQLITE_NOMEM: 'SQLite ran out of memory',
};

/** The primary SQLite result code of an error (SQLITE_IOERR for SQLITE_IOERR_FSYNC), if it has one. */
function primaryCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  return code.split('_', 2).join('_');
}

/** A SQLite error meaning the database cannot be used now as HeraldError('store_unavailable'), the
 *  reason in its message ("the database disk is full (SQLITE_FULL)"); anything else as it is. */
export function mapSqliteError(err: unknown): unknown {
  if (err instanceof HeraldError) return err;
  const primary = primaryCode(err);
  const reason = primary ? UNAVAILABLE[primary] : undefined;
  if (!reason) return err;
  return new HeraldError('store_unavailable', `${reason} (${(err as { code: string }).code})`);
}

/** Why `path` cannot be written, from the file system ("read-only file system", "permission
 *  denied"), asking of the nearest existing one of it and its directories; null when it can be. */
function notWritableBecause(path: string): string | null {
  let target = path;
  for (;;) {
    try {
      accessSync(target, constants.W_OK);
      return null;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const parent = dirname(target);
      if (code === 'ENOENT' && parent !== target) {
        target = parent;
        continue;
      }
      const where = target === path ? '' : `${target}: `;
      if (code === 'EROFS') return `${where}read-only file system`;
      if (code === 'EACCES' || code === 'EPERM') return `${where}permission denied`;
      return null;
    }
  }
}

/** Why the database at `path` cannot be opened or written, for the start-up message:
 *  "cannot open the database at ./x.db: read-only file system (SQLITE_CANTOPEN)". `any`: every
 *  SQLite or file-system error counts (opening), not only those that mean "unavailable now". */
function openError(path: string, verb: 'open' | 'write', err: unknown, any: boolean): unknown {
  if (err instanceof HeraldError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return err;
  const primary = primaryCode(err);
  const known = primary ? UNAVAILABLE[primary] : undefined;
  if (!known && !(any && (primary || /^E[A-Z]+$/.test(code)))) return err;
  const fromFileSystem = !primary || primary === 'SQLITE_CANTOPEN' || primary === 'SQLITE_READONLY' || primary === 'SQLITE_PERM';
  const fileSystem = fromFileSystem && path !== ':memory:' ? notWritableBecause(path) : null;
  const message = (err as Error).message;
  const reason = primary ? `${fileSystem ?? known ?? message} (${code})` : (fileSystem ?? message);
  return new HeraldError('store_unavailable', `cannot ${verb} the database at ${path}: ${reason}`);
}

/** Rows changed by this connection's statements so far; 0 once it is closed (or cannot say). */
function totalChanges(db: Database.Database): number {
  try {
    return db.open ? (db.prepare('SELECT total_changes()').pluck().get() as number) : 0;
  } catch {
    return 0;
  }
}

/** After SQLITE_FULL, the store counts as writable again only with this much room on the
 *  database's file system: a small write may fit in WAL space the failed one left allocated, and
 *  the next one fail again. */
const MIN_FREE_BYTES = 1_048_576;

/** The bytes this process may still write on the file system of `path` when they are fewer than
 *  MIN_FREE_BYTES; null when there are more (or it cannot tell). */
function shortOfRoom(path: string): number | null {
  if (path === ':memory:') return null;
  try {
    const s = statfsSync(dirname(path));
    const free = (process.getuid?.() === 0 ? s.bfree : s.bavail) * s.bsize; // root may use the reserved blocks
    return free < MIN_FREE_BYTES ? free : null;
  } catch {
    return null;
  }
}

export class SqliteConnection {
  /** The better-sqlite3 handle, for what the helpers below do not cover (migrations, uncached statements). */
  readonly handle: Database.Database;
  private readonly path: string;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly listeners = new Set<() => void>();
  /** Set when a call failed for want of a usable database (disk full, I/O error, read-only,
   *  locked), until a write succeeds again — a call that changed rows, or the write ping() tries
   *  while this is set — and, after a full disk, there is room again; readiness fails meanwhile.
   *  `code`: the SQLite result code; `changes`: total_changes() when it failed. */
  private unwritable: { code: string; changes: number } | null = null;

  constructor(path: string) {
    this.path = path;
    let db: Database.Database | undefined;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      // Durability is chosen per transaction: ingest commits with synchronous=FULL (on disk before
      // 202, even across a power cut, and the fsync also covers every earlier WAL frame); delivery
      // bookkeeping commits with NORMAL (safe against a process crash; a power cut can at worst lose
      // the latest attempt records, and those messages are delivered again: at-least-once).
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000'); // ms, when `herald migrate` or a backup holds the lock
      db.pragma('cache_size = -65536'); // KiB: 64 MB page cache
    } catch (err) {
      db?.close();
      throw openError(path, 'open', err, true);
    }
    this.handle = db;
    // A database that opens may still refuse writes (a read-only file or mount): find out now, not
    // at the first event. A full disk or a lock held too long is no reason to refuse to start: the
    // store answers store_unavailable, and readiness fails, until a write succeeds.
    try {
      this.probeWrite();
    } catch (err) {
      const primary = primaryCode(err);
      if (primary !== 'SQLITE_FULL' && primary !== 'SQLITE_BUSY') {
        db.close();
        throw openError(path, 'write', err, true);
      }
      this.unwritable = { code: primary, changes: totalChanges(db) };
    }
  }

  /**
   * The one place every store method goes through (in this process, or in the SQLite thread,
   * which calls these same methods): a SQLite error that means the database cannot be used now
   * becomes HeraldError('store_unavailable') with its reason, and is remembered for readiness
   * (ping) until a call that changed rows succeeds. Wraps each function of the composed store
   * (sqlite-store.ts), so methods added to a part later are covered too; the helpers of this
   * class run inside them.
   */
  guard<T extends object>(store: T): T {
    const guarded = { ...store } as Record<string, unknown>;
    for (const [name, method] of Object.entries(store)) {
      if (typeof method !== 'function') continue;
      const failed = (err: unknown): unknown => {
        const mapped = name === 'migrate' ? openError(this.path, 'write', err, false) : mapSqliteError(err);
        if (mapped !== err && mapped instanceof HeraldError) {
          this.unwritable = { code: primaryCode(err) ?? '', changes: totalChanges(this.handle) };
        }
        return mapped;
      };
      const succeeded = <V>(value: V): V => {
        const failure = this.unwritable;
        if (failure !== null && totalChanges(this.handle) > failure.changes) {
          if (failure.code !== 'SQLITE_FULL' || shortOfRoom(this.path) === null) this.unwritable = null;
        }
        return value;
      };
      guarded[name] = (...args: unknown[]): unknown => {
        let result: unknown;
        try {
          result = method.apply(store, args);
        } catch (err) {
          throw failed(err);
        }
        if (!(result instanceof Promise)) return succeeded(result);
        return result.then(succeeded, (err: unknown) => {
          throw failed(err);
        });
      };
    }
    return guarded as T;
  }

  /** Readiness (ping) after a call failed for want of a usable database: room on the disk again
   *  (after SQLITE_FULL), then a write that succeeds. Throws why not; nothing to do otherwise. */
  checkWritable(): void {
    if (!this.unwritable) return;
    if (this.unwritable.code === 'SQLITE_FULL') {
      const free = shortOfRoom(this.path);
      if (free !== null) {
        throw new HeraldError('store_unavailable', `the database disk is full (SQLITE_FULL; ${Math.floor(free / 1024)} KiB free)`);
      }
    }
    this.probeWrite();
  }

  /** A write that changes nothing: user_version (unused by Herald) set to itself. It still appends
   *  the database header page to the WAL, so a read-only or failing file fails it (an UPDATE to
   *  the same value would not: SQLite skips rewriting an unchanged row). It may fit in WAL space
   *  already allocated, so on its own it does not prove a full disk has room: checkWritable asks
   *  the file system too. */
  private probeWrite(): void {
    const version = this.handle.pragma('user_version', { simple: true }) as number;
    this.handle.pragma(`user_version = ${Math.trunc(version)}`);
    this.unwritable = null;
  }

  /** A prepared statement, cached by its text. */
  stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.handle.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  all(sql: string, params: Params | unknown[] = {}): Row[] {
    return this.stmt(sql).all(params) as Row[];
  }

  get(sql: string, params: Params | unknown[] = {}): Row | undefined {
    return this.stmt(sql).get(params) as Row | undefined;
  }

  run(sql: string, params: Params | unknown[] = {}): Database.RunResult {
    return this.stmt(sql).run(params);
  }

  /** Runs `fn` in a transaction (committed with synchronous=NORMAL). */
  transaction<T>(fn: () => T): T {
    return this.handle.transaction(fn)();
  }

  /** Runs `fn` in a transaction whose commit is fsynced. */
  durably<T>(fn: () => T): T {
    this.handle.pragma('synchronous = FULL');
    try {
      return this.handle.transaction(fn)();
    } finally {
      this.handle.pragma('synchronous = NORMAL');
    }
  }

  /** Tells the onMessagesCommitted listeners that messages became due. */
  notify(): void {
    for (const listener of this.listeners) listener();
  }

  onMessagesCommitted(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
