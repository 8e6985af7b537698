// 0010: a subscription's auth towards its receiver (JSON text, credentials sealed by
// src/security/sealed-store.ts; NULL: none), whether it signs (1: Standard Webhooks headers), its
// custom data (JSON text; NULL: none), and its health's last success and last failure (ms; NULL: none yet).
export default `
ALTER TABLE subscriptions ADD COLUMN auth TEXT;
ALTER TABLE subscriptions ADD COLUMN signing INTEGER NOT NULL DEFAULT 1;
ALTER TABLE subscriptions ADD COLUMN custom_data TEXT;
ALTER TABLE subscriptions ADD COLUMN last_success_at INTEGER;
ALTER TABLE subscriptions ADD COLUMN last_failure_at INTEGER;
`;
