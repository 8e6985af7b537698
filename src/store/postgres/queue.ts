// The delivery queue. Workers claim with `FOR UPDATE SKIP LOCKED`: a claim moves the message's
// nextAttemptAt to the lease expiry in the same statement, so a row is handed to one claimer per
// lease, and a worker that dies just lets the lease run out. Delivery bookkeeping (claims and
// attempts) commits without waiting for its WAL flush: a crash only makes a message go out again.
// Recording attempts applies them to their subscriptions' health (src/domain/health.ts decides, on
// rows locked FOR UPDATE when something changes), and startProbe lets one worker of all send a
// breaker's probe.
import type postgres from 'postgres';
import { claimScan, roomAcrossProcesses, takeShares } from '../../delivery/fairness.js';
import { storableText } from '../../delivery/response-text.js';
import type { Subscription, SubscriptionHealth } from '../../domain/glossary.js';
import { STATUS_NUMBER } from '../../domain/glossary.js';
import {
  attemptEvent,
  DEFAULT_HEALTH_POLICY,
  decideProbe,
  type HealthEvent,
  type HealthPolicy,
  recordHealth,
} from '../../domain/health.js';
import { writeIsolating } from '../../util/split-on-failure.js';
import { healthColumns, type Row, toHealth } from '../rows.js';
import type { AttemptOutcome, ClaimShare, DeferredOutcome, DeliveryOutcome, QueueStore, SubscriptionTransition } from '../store.js';
import { isUnavailable, type PostgresConnection, sqlState } from './connection.js';
import { type JobRow, moveHeld, toJob, toSubscription } from './rows.js';

const messageOf = (o: DeliveryOutcome): string => ('attempt' in o ? o.attempt.messageId : o.messageId);

/** Sends `query` now, pipelined with the transaction's next statements, to be awaited later (a
 *  failure is the transaction's: it is thrown where the query is awaited, or by the transaction). */
function sent<T extends postgres.PendingQuery<postgres.Row[]>>(query: T): T {
  query.catch(() => {});
  return query;
}

/** capabilities are the composer's (postgres-store.ts). */
export function queueStore(db: PostgresConnection): Omit<QueueStore, 'capabilities'> {
  return {
    claimDue(now, limit, leaseMarginMs, share) {
      return db.run(async () => {
        if (limit <= 0) return [];
        const per = share?.perSubscription ?? limit;
        const skip = share?.skip ?? [];
        // One statement: lock due queue rows no one else holds, move them and their messages to
        // the lease expiry, and read what delivery needs. A row another claimer just leased fails
        // `next_attempt_at <= now` on the re-check after its lock is released, so it is never handed
        // out twice. Rows are matched with `= ANY(ARRAY(...))` so the plan is index lookups whatever
        // the table sizes (a join here can turn into a scan of every message). When the claim's
        // share per subscription binds, the due rows are locked first and the share taken from
        // them (takeShares), then those are leased; the rest are unlocked at commit.
        // With the claimer's caps (share.caps: several processes deliver), each subscription's
        // share is also bounded by its cap less the messages leased to any process
        // (roomAcrossProcesses). Claims of the same subscriptions take a transaction lock on each
        // (in one order) before counting, so two workers never both spend the same room.
        // Delivery bookkeeping commits without waiting for its WAL flush (SET LOCAL
        // synchronous_commit = off), like the SQLite store's: a server crash can lose at most the
        // last few claims and records, and those messages are simply delivered again (at least
        // once). Ingest and every API write keep waiting for the flush.
        const rows = await db.sql.begin(async (tx) => {
          // subscriptionLeaseMs (src/domain/lease.ts): the deadline, the margin and a batch's wait.
          const lease = tx`${now}::bigint + ${leaseMarginMs}::bigint + ceil(s.timeout_seconds * 1000)::bigint + coalesce(s.batch_max_wait_ms, 0)::bigint`;
          const unskipped = skip.length === 0 ? tx`TRUE` : tx`subscription_id <> ALL(${skip as string[]}::text[])`;
          let due: postgres.PendingQuery<postgres.Row[]>;
          const noFlushWait = tx`SET LOCAL synchronous_commit = off`;
          if (share?.caps !== undefined) {
            const taken = await takeWithinCaps(tx, now, limit, share);
            if (taken.length === 0) return [];
            due = tx`
              SELECT * FROM unnest(${taken.map((c) => c.message_id)}::text[], ${taken.map((c) => c.due_at)}::bigint[]) AS d(message_id, due_at)`;
          } else if (per >= limit) {
            due = tx`
              SELECT message_id, next_attempt_at AS due_at FROM message_queue
              WHERE next_attempt_at <= ${now} AND ${unskipped}
              ORDER BY next_attempt_at, message_id
              LIMIT ${limit}
              FOR UPDATE SKIP LOCKED`;
          } else {
            const candidates = await tx<{ message_id: string; subscription_id: string; due_at: number }[]>`
              SELECT message_id, subscription_id, next_attempt_at AS due_at FROM message_queue
              WHERE next_attempt_at <= ${now} AND ${unskipped}
              ORDER BY next_attempt_at, message_id
              LIMIT ${claimScan(limit, per)}
              FOR UPDATE SKIP LOCKED`;
            const taken = takeShares(
              candidates.map((c) => c.subscription_id),
              per,
              limit,
            ).map((i) => candidates[i] as (typeof candidates)[number]);
            if (taken.length === 0) return [];
            due = tx`
              SELECT * FROM unnest(${taken.map((c) => c.message_id)}::text[], ${taken.map((c) => c.due_at)}::bigint[]) AS d(message_id, due_at)`;
          }
          const [, claimed] = await Promise.all([
            noFlushWait,
            tx<JobRow[]>`
          WITH due AS (${due}), leased AS (
            UPDATE message_queue q
            SET next_attempt_at = (SELECT ${lease} FROM messages m JOIN subscriptions s ON s.id = m.subscription_id WHERE m.id = q.message_id),
                leased = TRUE
            WHERE q.message_id = ANY(ARRAY(SELECT message_id FROM due))
            RETURNING q.message_id
          ), claimed AS (
            UPDATE messages m
            SET next_attempt_at = ${lease}, leased = TRUE
            FROM subscriptions s
            WHERE m.id = ANY(ARRAY(SELECT message_id FROM leased)) AND s.id = m.subscription_id
            RETURNING m.id, m.event_id, m.subscription_id, m.attempts, m.retries, m.manual
          )
          SELECT c.id, c.event_id, c.subscription_id, c.attempts, c.retries, c.manual,
                 e.type AS event_type, e.created_at AS event_created_at, e.data, b.enabled AS subscriber_enabled
          FROM claimed c
          JOIN due d ON d.message_id = c.id
          JOIN events e ON e.id = c.event_id
          JOIN subscriptions s ON s.id = c.subscription_id
          JOIN subscribers b ON b.id = s.subscriber_id
          ORDER BY d.due_at, c.id`,
          ]);
          if (claimed.length === 0) return [];
          // Each subscription of the claim once, whole; its jobs share the object.
          const ids = [...new Set(claimed.map((r) => r.subscription_id))];
          const subscriptions = new Map(
            (await tx<Row[]>`SELECT * FROM subscriptions WHERE id = ANY(${ids}::text[])`).map((r) => [r.id, toSubscription(r)]),
          );
          return claimed.map((r) => toJob(r, subscriptions.get(r.subscription_id) as Subscription));
        });
        return rows;
      });
    },

    recordAttempts(outcomes, policy = DEFAULT_HEALTH_POLICY) {
      return db.run(async () => {
        if (outcomes.length === 0) return [];
        // Sorted so concurrent batches touching the same rows lock them in the same order.
        const sorted = [...outcomes].sort((a, b) => (messageOf(a) < messageOf(b) ? -1 : messageOf(a) > messageOf(b) ? 1 : 0));
        const transitions: SubscriptionTransition[] = [];
        let moved = 0;
        const write = async (part: DeliveryOutcome[], unstorable?: unknown): Promise<never[]> => {
          const written = await writeAttempts(db, part, policy, unstorable);
          transitions.push(...written.transitions);
          moved += written.moved;
          return [];
        };
        // One outcome's data must never cost another message a redelivery. Receivers' answers are
        // storable text before they get here (src/delivery/response-text.ts); should a batch still
        // fail on some value (any error but the database being unreachable, which the caller retries),
        // it is split in halves down to the outcome that fails alone, and that one, if its data is to
        // blame, is recorded with placeholders instead of its response, so its message advances too.
        // Rows recorded before a failure stay recorded: the statement skips attempts already written.
        await writeIsolating(
          sorted,
          (part) => write(part),
          async (part, err) => {
            // The data is to blame for a data exception (class 22), a limit (class 54) or an error
            // raised before the statement was sent (no SQLSTATE); any other (a deadlock, a cancelled
            // statement, the database unreachable) is thrown for the caller to retry the batch.
            const code = sqlState(err);
            const dataError = code === undefined || !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('22') || code.startsWith('54');
            if (part.length > 1 || isUnavailable(err) || !dataError) throw err;
            return write(part, err);
          },
          (err) => !isUnavailable(err),
        );
        if (moved > 0) db.wake(); // held messages made due by a breaker that closed
        return transitions;
      });
    },

    startProbe(subscriptionId, now, leaseEnds, manual) {
      return db.run(async () => {
        let moved = 0;
        const verdict = await db.sql.begin(async (tx) => {
          // The row locked: of the workers asking at once, one finds the window open and takes it.
          const [r] = await tx<Row[]>`SELECT * FROM subscriptions WHERE id = ${subscriptionId} FOR UPDATE`;
          if (!r) return { send: true, probe: false } as const;
          const change = decideProbe(toHealth(r), now, leaseEnds, manual);
          if (change.changed) {
            await writeHealth(tx, subscriptionId, change.health, now);
            moved = await moveHeld(db, tx, subscriptionId, change.held);
          }
          return change.verdict;
        });
        if (moved > 0) db.wake();
        return verdict;
      });
    },

    releaseLeases(now) {
      return db.run(async () => {
        const result = await db.sql`
          WITH released AS (
            UPDATE messages SET next_attempt_at = ${now}, leased = FALSE
            WHERE leased AND status IN (0, 2)
            RETURNING id
          )
          UPDATE message_queue SET next_attempt_at = ${now}, leased = FALSE WHERE message_id = ANY(ARRAY(SELECT id FROM released))`;
        return result.count;
      });
    },

    returnLeases(leases, now) {
      if (leases.length === 0) return Promise.resolve(0);
      return db.run(async () => {
        const result = await db.sql.begin(async (tx) => {
          const [returned] = await Promise.all([
            tx`
              WITH returned AS (
                UPDATE messages m SET next_attempt_at = ${now}, leased = FALSE
                FROM unnest(${leases.map((l) => l.messageId)}::text[], ${leases.map((l) => l.leaseEnds)}::bigint[]) AS l(id, ends)
                WHERE m.id = l.id AND m.next_attempt_at = l.ends AND m.leased AND m.status IN (0, 2)
                RETURNING m.id, m.subscription_id
              )
              INSERT INTO message_queue (message_id, next_attempt_at, subscription_id) SELECT id, ${now}, subscription_id FROM returned
              ON CONFLICT (message_id) DO UPDATE SET next_attempt_at = EXCLUDED.next_attempt_at, leased = FALSE`,
            db.notify(tx),
          ]);
          return returned;
        });
        return result.count;
      });
    },

    nextDueAt() {
      return db.run(async () => {
        const [row] = await db.sql<{ at: number | null }[]>`
          SELECT min(next_attempt_at) AS at FROM message_queue`;
        return row?.at ?? null;
      });
    },

    onMessagesCommitted(listener) {
      return db.subscribe(listener);
    },
  };
}

/** A subscription's health as decided; disabled by it, the subscription is no longer enabled. */
async function writeHealth(tx: postgres.TransactionSql, id: string, health: SubscriptionHealth, at: number): Promise<void> {
  const disabled = health.status === 'disabled';
  await tx`
    UPDATE subscriptions SET ${tx(healthColumns(health))},
      enabled = CASE WHEN ${disabled}::boolean THEN FALSE ELSE enabled END,
      updated_at = CASE WHEN ${disabled}::boolean AND enabled THEN ${at}::bigint ELSE updated_at END
    WHERE id = ${id}`;
}

/**
 * In `tx`: each subscription's recorded attempts (`events`) applied to its health. Read without a
 * lock first: a healthy subscription's successes change nothing and take no lock (the common case,
 * pipelined with the recording statement by the caller through `unlocked`). The subscriptions whose
 * health changes are read again locked, in id order, decided on that, and written.
 */
async function applyHealth(
  db: PostgresConnection,
  tx: postgres.TransactionSql,
  unlocked: Row[],
  events: Map<string, HealthEvent[]>,
  policy: HealthPolicy,
): Promise<{ transitions: SubscriptionTransition[]; moved: number }> {
  const transitions: SubscriptionTransition[] = [];
  let moved = 0;
  for (const list of events.values()) list.sort((a, b) => a.at - b.at);
  const changing = unlocked
    .filter((r) => events.has(r.id as string) && recordHealth(toHealth(r), events.get(r.id as string) ?? [], policy).changed)
    .map((r) => r.id as string)
    .sort();
  if (changing.length === 0) return { transitions, moved };
  const locked = await tx<Row[]>`SELECT * FROM subscriptions WHERE id = ANY(${changing}::text[]) ORDER BY id FOR UPDATE`;
  for (const r of locked) {
    const id = r.id as string;
    const list = events.get(id) ?? [];
    const change = recordHealth(toHealth(r), list, policy);
    if (!change.changed) continue;
    await writeHealth(tx, id, change.health, list[list.length - 1]?.at ?? 0);
    moved += await moveHeld(db, tx, id, change.held);
    for (const t of change.transitions) transitions.push({ ...t, subscriptionId: id });
  }
  return { transitions, moved };
}

/** One transaction recording `outcomes` (sorted by message id) and what they do to their
 *  subscriptions' health. With `unstorable`, the error a lone outcome failed with, its response is
 *  replaced by a placeholder naming that error. */
async function writeAttempts(
  db: PostgresConnection,
  outcomes: DeliveryOutcome[],
  policy: HealthPolicy,
  unstorable?: unknown,
): Promise<{ transitions: SubscriptionTransition[]; moved: number }> {
  const deferred = outcomes.filter((o): o is DeferredOutcome => !('attempt' in o));
  const attempts = outcomes.filter((o): o is AttemptOutcome => 'attempt' in o);
  let placeholder: string | null = null;
  if (unstorable !== undefined) {
    const e = unstorable as { code?: unknown; message?: unknown };
    const reason = `${typeof e.code === 'string' ? `${e.code} ` : ''}${typeof e.message === 'string' ? e.message : String(unstorable)}`;
    placeholder = `[not storable: ${storableText(reason.slice(0, 200))}]`;
  }
  const rows = attempts.map((o) => ({
    id: o.attempt.id,
    message_id: o.attempt.messageId,
    subscription_id: o.attempt.subscriptionId,
    subscriber_id: o.attempt.subscriberId,
    event_type: o.attempt.eventType,
    status_code: o.attempt.statusCode,
    duration_ms: o.attempt.durationMs,
    error: placeholder !== null && o.attempt.error !== null ? storableText(o.attempt.error) : o.attempt.error,
    request_headers: JSON.stringify(
      placeholder === null
        ? o.attempt.requestHeaders
        : Object.fromEntries(Object.entries(o.attempt.requestHeaders).map(([k, v]) => [storableText(k), storableText(v)])),
    ),
    response_headers: placeholder === null ? JSON.stringify(o.attempt.responseHeaders) : '{}',
    response_body: placeholder ?? o.attempt.responseBody,
    trigger: o.attempt.trigger,
    created_at: o.attempt.createdAt,
    status: STATUS_NUMBER[o.status],
    attempts: o.attempts,
    retries: o.retries,
    next_attempt_at: o.nextAttemptAt,
  }));
  const signalled = [...new Set(attempts.filter((o) => o.health !== null).map((o) => o.attempt.subscriptionId))];
  return db.sql.begin(async (tx) => {
    // No wait for the WAL flush: see claimDue. Pipelined with the statements below.
    // Update first: it locks the messages, so a concurrent delete cannot slip in between and
    // the attempts are inserted only for messages that still exist.
    const noFlushWait = tx`SET LOCAL synchronous_commit = off`;
    // Held back by an open breaker: due again later, as they were otherwise (no attempt, no retry
    // used). Queue rows first, then messages, in the order a claim locks them.
    const held =
      deferred.length === 0
        ? null
        : sent(tx`
      WITH d AS (
        SELECT * FROM unnest(${deferred.map((o) => o.messageId)}::text[], ${deferred.map((o) => o.nextAttemptAt)}::bigint[]) AS d(id, until)
      ), queued AS (
        UPDATE message_queue q SET next_attempt_at = d.until, leased = FALSE FROM d WHERE q.message_id = d.id RETURNING q.message_id
      )
      UPDATE messages m SET next_attempt_at = d.until, leased = FALSE
      FROM d WHERE m.id = d.id AND m.status IN (0, 2) AND m.id = ANY(ARRAY(SELECT message_id FROM queued))`);
    // Health as it is now, read without a lock alongside the recording (applyHealth).
    const unlocked = signalled.length === 0 ? null : sent(tx<Row[]>`SELECT * FROM subscriptions WHERE id = ANY(${signalled}::text[])`);
    const recorded =
      rows.length === 0
        ? []
        : await tx<{ message_id: string }[]>`
      WITH o AS (
        SELECT * FROM json_to_recordset(${JSON.stringify(rows)}::text::json) AS o(
          id TEXT, message_id TEXT, subscription_id TEXT, subscriber_id TEXT, event_type TEXT, status_code INTEGER,
          duration_ms DOUBLE PRECISION, error TEXT, request_headers TEXT, response_headers TEXT, response_body TEXT,
          trigger TEXT, created_at BIGINT, status SMALLINT, attempts INTEGER, retries INTEGER, next_attempt_at BIGINT)
      ), updated AS (
        UPDATE messages m
        SET status = o.status, attempts = o.attempts, retries = o.retries, next_attempt_at = o.next_attempt_at,
            last_status_code = o.status_code, last_error = o.error, leased = FALSE, manual = FALSE, updated_at = o.created_at
        FROM o WHERE m.id = o.message_id
          -- Idempotent: a retry after a connection lost during COMMIT finds the batch written.
          -- (An index lookup of the batch's ids, not an anti-join the planner may run as a scan
          -- of every attempt.)
          AND o.id <> ALL(ARRAY(SELECT a.id FROM attempts a WHERE a.id = ANY(ARRAY(SELECT id FROM o))))
        RETURNING m.id
      ), requeued AS (
        INSERT INTO message_queue (message_id, next_attempt_at, subscription_id)
        SELECT o.message_id, o.next_attempt_at, o.subscription_id FROM o
        WHERE o.status IN (0, 2) AND o.next_attempt_at IS NOT NULL AND o.message_id = ANY(ARRAY(SELECT id FROM updated))
        ON CONFLICT (message_id) DO UPDATE SET next_attempt_at = EXCLUDED.next_attempt_at, leased = FALSE
      ), finished AS (
        DELETE FROM message_queue
        WHERE message_id = ANY(ARRAY(
          SELECT o.message_id FROM o JOIN updated u ON u.id = o.message_id
          WHERE o.status NOT IN (0, 2) OR o.next_attempt_at IS NULL))
      )
      INSERT INTO attempts (id, message_id, subscription_id, subscriber_id, event_type, status_code, duration_ms, error,
        request_headers, response_headers, response_body, trigger, created_at)
      SELECT o.id, o.message_id, o.subscription_id, o.subscriber_id, o.event_type, o.status_code, o.duration_ms, o.error,
        o.request_headers, o.response_headers, o.response_body, o.trigger, o.created_at
      FROM o WHERE o.message_id IN (SELECT id FROM updated)
      RETURNING message_id`;
    await noFlushWait;
    await held;
    if (unlocked === null) return { transitions: [], moved: 0 };
    // The attempts written now (not those a retried batch finds written) count for health.
    const written = new Set(recorded.map((r) => r.message_id));
    const events = new Map<string, HealthEvent[]>();
    for (const o of attempts) {
      if (o.health === null || !written.has(o.attempt.messageId)) continue;
      const event = attemptEvent(o.health, o.status === 'failed', o.attempt.createdAt, o.attempt.durationMs, o.probe === true);
      const list = events.get(o.attempt.subscriptionId);
      if (list) list.push(event);
      else events.set(o.attempt.subscriptionId, [event]);
    }
    return applyHealth(db, tx, await unlocked, events, policy);
  });
}

type Tx = postgres.TransactionSql;
type Candidate = { message_id: string; subscription_id: string; due_at: number };

const CLAIM_LOCK_CLASS = 0x6865; // advisory lock class of claims' per-subscription locks ('he')
const CAPPED_SCAN_ROUNDS = 4; // scans of a claim whose first due messages are all of full endpoints

/**
 * The due messages a claim takes when every process's leases count against the caps (ClaimShare.caps):
 * scans the oldest due messages no one holds, locks each of their subscriptions for the rest of the
 * transaction (in one order, so claims of the same endpoints queue rather than both spend its room),
 * counts what each has leased to any process, and takes shares within the room left. Subscriptions
 * with none left are skipped by the next scan, so a backlog of endpoints held at their cap elsewhere
 * does not hide the messages behind it.
 */
async function takeWithinCaps(tx: Tx, now: number, limit: number, share: ClaimShare): Promise<Candidate[]> {
  const skip = new Set(share.skip);
  const room = new Map<string, number>();
  const taken: Candidate[] = [];
  for (let round = 0; round < CAPPED_SCAN_ROUNDS && taken.length < limit; round++) {
    const want = limit - taken.length;
    const unskipped = skip.size === 0 ? tx`TRUE` : tx`subscription_id <> ALL(${[...skip]}::text[])`;
    const candidates = await tx<Candidate[]>`
      SELECT message_id, subscription_id, next_attempt_at AS due_at FROM message_queue
      WHERE next_attempt_at <= ${now} AND ${unskipped} AND message_id <> ALL(${taken.map((c) => c.message_id)}::text[])
      ORDER BY next_attempt_at, message_id
      LIMIT ${claimScan(want, Math.min(share.perSubscription, want - 1))}
      FOR UPDATE SKIP LOCKED`;
    if (candidates.length === 0) break;
    const ids = [...new Set(candidates.map((c) => c.subscription_id))].filter((id) => !room.has(id));
    if (ids.length > 0) {
      // Pipelined: the count's snapshot is taken after the locks are granted.
      const [, counts] = await Promise.all([
        tx`SELECT pg_advisory_xact_lock(${CLAIM_LOCK_CLASS}::int, k) FROM (SELECT DISTINCT hashtext(id) AS k FROM unnest(${ids}::text[]) AS id ORDER BY 1) AS l`,
        tx<{ id: string; max_in_flight: number | null; batch_max_events: number | null; leased: number }[]>`
          SELECT s.id, s.max_in_flight, s.batch_max_events,
            (SELECT count(*) FROM message_queue q WHERE q.subscription_id = s.id AND q.leased AND q.next_attempt_at > ${now})::int AS leased
          FROM subscriptions s WHERE s.id = ANY(${ids}::text[])`,
      ]);
      for (const id of ids) room.set(id, 0);
      for (const c of counts) room.set(c.id, roomAcrossProcesses(share, c.id, c.max_in_flight, c.leased, c.batch_max_events ?? 1));
    }
    for (const i of takeShares(
      candidates.map((c) => c.subscription_id),
      (id) => room.get(id) ?? 0,
      want,
    )) {
      const c = candidates[i] as Candidate;
      taken.push(c);
      room.set(c.subscription_id, (room.get(c.subscription_id) ?? 0) - 1);
    }
    for (const [id, left] of room) if (left <= 0) skip.add(id);
  }
  return taken.sort((a, b) => a.due_at - b.due_at || (a.message_id < b.message_id ? -1 : 1));
}
