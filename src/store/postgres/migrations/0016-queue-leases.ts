// 0016: per-endpoint caps across workers. A queue row says whether its message is leased (an
// attempt in flight or waiting in a process until its lease ends), so a claim can count what every
// process holds of a subscription from a small partial index, without an index on `messages` that
// would make its updates non-HOT again (see 0005). A lease whose time has passed no longer counts
// (its holder is gone): the condition `next_attempt_at > now` goes with the flag.
// Append-only: never edit a shipped migration. (0015 came from another change, merged after this was written.)
export default `
ALTER TABLE message_queue ADD COLUMN leased BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE message_queue q SET leased = TRUE FROM messages m WHERE m.id = q.message_id AND m.leased;
CREATE INDEX message_queue_leased ON message_queue (subscription_id, next_attempt_at) WHERE leased;
`;
