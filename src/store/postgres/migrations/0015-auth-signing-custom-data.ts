// 0015: a subscription's auth towards its receiver (JSON text, credentials sealed by
// src/security/sealed-store.ts; NULL: none), whether it signs (Standard Webhooks headers), its
// custom data (JSON text; NULL: none), and its health's last success and last failure (ms; NULL: none yet).
export default `
ALTER TABLE subscriptions
  ADD COLUMN auth TEXT,
  ADD COLUMN signing BOOLEAN NOT NULL DEFAULT TRUE,
  ADD COLUMN custom_data TEXT,
  ADD COLUMN last_success_at BIGINT,
  ADD COLUMN last_failure_at BIGINT;
`;
