// 0019: a subscription's batch settings (issue 18): NULL batch_max_events: no batching;
// batch_max_bytes NULL: no byte limit. The claim adds batch_max_wait_ms to the lease.
export default `
ALTER TABLE subscriptions ADD COLUMN batch_max_events INTEGER;
ALTER TABLE subscriptions ADD COLUMN batch_max_wait_ms INTEGER;
ALTER TABLE subscriptions ADD COLUMN batch_max_bytes INTEGER;
`;
