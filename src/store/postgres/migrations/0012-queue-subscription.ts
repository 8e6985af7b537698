// 0012: each queue row names its subscription, so a claim can leave alone the endpoints that are at
// their cap (the dispatcher's fairness) without reading the messages it skips. A message never
// changes subscription, so the column is written once, with the row.
export default `
ALTER TABLE message_queue ADD COLUMN subscription_id TEXT;
UPDATE message_queue q SET subscription_id = m.subscription_id FROM messages m WHERE m.id = q.message_id;
DELETE FROM message_queue WHERE subscription_id IS NULL;
ALTER TABLE message_queue ALTER COLUMN subscription_id SET NOT NULL;
`;
