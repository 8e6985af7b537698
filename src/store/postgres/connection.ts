// What every part of the PostgreSQL store shares: the pool, how a call runs on it (driver errors
// become HeraldErrors, a deadline bounds the wait), and the wake-up of idle workers.
//
// Commits that make messages due send `pg_notify` inside their transaction; every store LISTENs on
// one channel and wakes its listeners, so idle workers in other processes start within
// milliseconds. Notifications are a hint only: callers poll as well.
//
// Connection failures surface as HeraldError('store_unavailable'); the driver reconnects on the
// next query, and the LISTEN connection re-subscribes by itself (see `listen`).
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { HeraldError } from '../../domain/errors.js';

export interface PostgresStoreOptions {
  url: string;
  /** Connections in this process's pool (the LISTEN connection is one more). */
  poolMax: number;
  /** Longest a store call waits for the database before answering store_unavailable (migrations excepted). */
  operationDeadlineMs?: number;
}

const NOTIFY_CHANNEL = 'herald_messages';
const CONNECT_TIMEOUT_SECONDS = 5; // a request during an outage fails fast with 503
const OPERATION_DEADLINE_MS = 20_000; // default of PostgresStoreOptions.operationDeadlineMs
const RECONNECT_BACKOFF_MAX_SECONDS = 2; // the driver's default grows to 20 s, delaying LISTEN after an outage

// Errors meaning "the database is not reachable right now", not "the query is wrong".
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'CONNECTION_CLOSED', // driver: the socket closed mid-query
  'CONNECTION_ENDED', // driver: the pool was ended
  'CONNECTION_DESTROYED', // driver: the connection was terminated
  'CONNECT_TIMEOUT', // driver: connect_timeout elapsed
  '57P01', // admin_shutdown (pg_terminate_backend, server stop)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up / shutting down)
  '53300', // too_many_connections
]);

export function isUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true; // 08xxx: connection_exception
  const inner = (err as { errors?: unknown }).errors; // AggregateError from happy-eyeballs connects
  return Array.isArray(inner) && inner.some(isUnavailable);
}

export function sqlState(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

export function mapError(err: unknown): unknown {
  if (err instanceof HeraldError) return err;
  if (isUnavailable(err)) return new HeraldError('store_unavailable');
  // Class 22, data_exception (a NUL in text, a number out of range): the request's data, which
  // validation should have refused. Its sender's fault, answered as such, never a 500.
  if (sqlState(err)?.startsWith('22')) return new HeraldError('bad_request', 'A value in the request cannot be stored by the database');
  return err;
}

/** One store's pool, LISTEN connection and commit listeners. */
export class PostgresConnection {
  readonly sql: postgres.Sql;
  /** Sent as the NOTIFY payload so this process can ignore its own notifications. */
  readonly instanceId = randomUUID();
  private readonly operationDeadlineMs: number;
  private readonly listeners = new Set<() => void>();
  private listenState: 'off' | 'starting' | 'on' = 'off';
  private wakeScheduled = false;
  private closed = false;

  constructor(options: PostgresStoreOptions) {
    this.operationDeadlineMs = options.operationDeadlineMs ?? OPERATION_DEADLINE_MS;
    this.sql = postgres(options.url, {
      max: options.poolMax,
      connect_timeout: CONNECT_TIMEOUT_SECONDS,
      // Seconds before reconnect attempt n; the LISTEN connection uses it too, so after an outage
      // notifications resume within about this bound of the database coming back.
      backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, RECONNECT_BACKOFF_MAX_SECONDS),
      onnotice: () => {}, // "relation already exists, skipping" and the like
      types: {
        // BIGINT epoch milliseconds and count(*) fit a double exactly; read them as numbers.
        bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
      },
    });
  }

  /** Runs a store operation: driver errors become HeraldErrors, and one that has not settled
   *  within `deadlineMs` answers store_unavailable rather than leaving its caller waiting (a
   *  connection terminated at the wrong moment can leave the driver's promise pending). Whether a
   *  write so abandoned committed is unknown, as when a connection is lost during COMMIT. */
  async run<T>(op: () => Promise<T>, deadlineMs = this.operationDeadlineMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const pending = op();
    pending.catch(() => {}); // settled after the deadline: nobody is waiting for it any more
    try {
      if (!Number.isFinite(deadlineMs)) return await pending;
      return await Promise.race([
        pending,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new HeraldError('store_unavailable', `the database did not answer within ${deadlineMs / 1000} s`)),
            deadlineMs,
          );
        }),
      ]);
    } catch (err) {
      throw mapError(err);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Tells the other processes, when `tx` commits, that messages became due. */
  notify(tx: postgres.TransactionSql): postgres.PendingQuery<postgres.Row[]> {
    return tx`SELECT pg_notify(${NOTIFY_CHANNEL}, ${this.instanceId})`;
  }

  /** Adds a listener for messages made due here or elsewhere; returns its removal. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    this.listen();
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * LISTENs on the notification channel, once per store. The driver keeps the LISTEN alive by
   * itself: when its listen connection closes it reconnects with backoff and re-issues LISTEN for
   * every listener until the database answers, and that includes a first LISTEN made while the
   * database is down (both checked in test/store/postgres.test.ts). Calling `listen` again on a
   * failure would register the callback twice, so a rejection is only noted. Each successful
   * (re)subscription wakes the listeners, since notifications may have been missed meanwhile.
   */
  private listen(): void {
    if (this.closed || this.listenState !== 'off') return;
    this.listenState = 'starting';
    this.sql
      .listen(
        NOTIFY_CHANNEL,
        (payload) => {
          if (payload !== this.instanceId) this.wake();
        },
        () => {
          this.listenState = 'on';
          this.wake();
        },
      )
      .catch(() => {
        // The database is away; the driver subscribes when it is back.
      });
  }

  /** Calls the listeners once on the next turn, however many commits asked for it meanwhile. */
  wake(): void {
    if (this.wakeScheduled || this.listeners.size === 0) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      for (const listener of this.listeners) {
        try {
          listener();
        } catch {
          // A listener's failure is its own business; the others still run.
        }
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.sql.end({ timeout: 5 });
  }
}
