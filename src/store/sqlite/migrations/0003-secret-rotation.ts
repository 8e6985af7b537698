// 0003: secret rotation. After a rotation the previous signing secret stays valid until
// previous_secret_expires_at (epoch ms); until then deliveries carry a signature for each.
// Both secret columns hold what the application gives (sealed by src/security/, opaque here).
export default `
ALTER TABLE subscriptions ADD COLUMN previous_secret TEXT;
ALTER TABLE subscriptions ADD COLUMN previous_secret_expires_at INTEGER;
`;
