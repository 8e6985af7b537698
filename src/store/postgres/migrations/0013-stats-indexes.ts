// 0013: indexes for a subscription's stats panel, so it stays cheap on a busy subscription: the
// last successful and the last failed attempt, and the failures since that success. An attempt
// goes into exactly one of the two partial indexes (one more index entry per attempt; attempts are
// never updated). Their conditions are the texts of ATTEMPT_SUCCEEDED and ATTEMPT_FAILED
// (src/store/filters.ts), which the queries repeat.
// The next attempt due needs no index: it is read through message_queue, which holds only pending
// and retrying messages. An index on `messages` over status would make every recorded attempt a
// non-HOT update again (see 0005).
// Append-only: never edit a shipped migration. (0011 and 0012 are other changes' numbers.)
export default `
CREATE INDEX attempts_subscription_succeeded ON attempts (subscription_id, id)
  WHERE status_code BETWEEN 200 AND 299;
CREATE INDEX attempts_subscription_failed ON attempts (subscription_id, id)
  WHERE status_code IS NULL OR status_code NOT BETWEEN 200 AND 299;
`;
