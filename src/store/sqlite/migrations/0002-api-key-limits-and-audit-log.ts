// 0002: per-key IP allow-lists and rate limits, and the audit log of changes made through the API
// or the CLI. Append-only: never edit a shipped migration.
export default `
ALTER TABLE api_keys ADD COLUMN allowed_ips TEXT; -- JSON array of CIDRs; NULL: any address
ALTER TABLE api_keys ADD COLUMN rate_limit INTEGER; -- requests per second; NULL: the configured default

CREATE TABLE audit_log (
  id            TEXT PRIMARY KEY,
  created_at    INTEGER NOT NULL,
  actor         TEXT NOT NULL,
  action        TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id   TEXT,
  changes       TEXT, -- JSON object, secrets already redacted
  ip            TEXT
);
CREATE INDEX audit_log_actor ON audit_log (actor, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_resource ON audit_log (resource_type, resource_id, id);
CREATE INDEX audit_log_created ON audit_log (created_at);
`;
