// 0008: indexes for a subscription's stats panel, so it stays cheap on a busy subscription.
// - The last successful and the last failed attempt, and the failures since that success: an
//   attempt goes into exactly one of the two partial indexes (one more index entry per attempt).
//   Their conditions are the texts of ATTEMPT_SUCCEEDED and ATTEMPT_FAILED (src/store/filters.ts),
//   which queries repeat word for word: SQLite uses a partial index only for a query that does.
// - The next attempt due ("next trigger"): the subscription's pending and retrying messages. Only
//   status changes touch it (ingest, a message settling); a claim moves next_attempt_at, not in it.
// Append-only: never edit a shipped migration. (0006 and 0007 are other changes' numbers.)
export default `
CREATE INDEX attempts_subscription_succeeded ON attempts (subscription_id, id)
  WHERE status_code BETWEEN 200 AND 299;
CREATE INDEX attempts_subscription_failed ON attempts (subscription_id, id)
  WHERE status_code IS NULL OR status_code NOT BETWEEN 200 AND 299;
CREATE INDEX messages_subscription_queued ON messages (subscription_id) WHERE status IN (0, 2);
`;
