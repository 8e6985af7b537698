// 0005: the queue of due messages moves to its own narrow table. On `messages`, the partial index
// on next_attempt_at made every claim and every recorded attempt a non-HOT update, writing a new
// entry into each of the table's six indexes; now `messages` has no index on what delivery
// changes, so those updates stay on their page (fillfactor leaves room), and only the small
// message_queue (one row per pending or retrying message; next_attempt_at is the due time or,
// while an attempt is in flight, the lease expiry) churns.
export default `
CREATE TABLE message_queue (
  message_id      TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  next_attempt_at BIGINT NOT NULL
) WITH (fillfactor = 70);
INSERT INTO message_queue (message_id, next_attempt_at)
  SELECT id, next_attempt_at FROM messages WHERE status IN (0, 2) AND next_attempt_at IS NOT NULL;
CREATE INDEX message_queue_due ON message_queue (next_attempt_at, message_id);
DROP INDEX messages_due;
ALTER TABLE messages SET (fillfactor = 60);
`;
