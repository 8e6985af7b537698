// 0012: per-endpoint fairness. Each queue row names its subscription, so a claim can leave alone the
// endpoints that are at their cap without reading the messages it skips (a message never changes
// subscription, so the column is written once, with the row); and a subscription may fix how many
// attempts go to it at once (1: one at a time), NULL leaving it to the adaptive cap.
export default `
ALTER TABLE subscriptions ADD COLUMN max_in_flight INTEGER;
ALTER TABLE message_queue ADD COLUMN subscription_id TEXT;
UPDATE message_queue q SET subscription_id = m.subscription_id FROM messages m WHERE m.id = q.message_id;
DELETE FROM message_queue WHERE subscription_id IS NULL;
ALTER TABLE message_queue ALTER COLUMN subscription_id SET NOT NULL;
`;
