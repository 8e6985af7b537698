// 0001: the initial schema. Times are epoch milliseconds; message status is Jiwa's number
// (0 pending, 1 succeeded, 2 retrying, 3 failed). Append-only: never edit a shipped migration.
export default `
CREATE TABLE event_types (
  name        TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  schema      TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE subscribers (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  enabled    INTEGER NOT NULL,
  metadata   TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE subscriptions (
  id              TEXT PRIMARY KEY,
  subscriber_id   TEXT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
  name            TEXT,
  description     TEXT,
  url             TEXT NOT NULL,
  method          TEXT NOT NULL,
  event_types     TEXT NOT NULL,
  channels        TEXT,
  headers         TEXT NOT NULL,
  payload_format  TEXT NOT NULL,
  retry_schedule  TEXT,
  timeout_seconds REAL NOT NULL,
  enabled         INTEGER NOT NULL,
  secret          TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX subscriptions_subscriber ON subscriptions (subscriber_id, id);

-- One row per pattern of a subscription, so fan-out looks patterns up by exact value.
CREATE TABLE subscription_patterns (
  pattern         TEXT NOT NULL,
  subscription_id TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
  PRIMARY KEY (pattern, subscription_id)
) WITHOUT ROWID;
CREATE INDEX subscription_patterns_subscription ON subscription_patterns (subscription_id);

CREATE TABLE events (
  id              TEXT PRIMARY KEY,
  type            TEXT NOT NULL,
  data            TEXT NOT NULL,
  idempotency_key TEXT,
  request_hash    TEXT,
  subscriber_id   TEXT,
  channels        TEXT,
  created_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX events_idempotency ON events (coalesce(subscriber_id, ''), idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX events_type ON events (type, id);

CREATE TABLE messages (
  id               TEXT PRIMARY KEY,
  event_id         TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  event_type       TEXT NOT NULL,
  subscriber_id    TEXT NOT NULL,
  subscription_id  TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
  status           INTEGER NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  retries          INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER,
  manual           INTEGER NOT NULL DEFAULT 0,
  leased           INTEGER NOT NULL DEFAULT 0, -- an attempt is in flight; next_attempt_at is its lease expiry
  last_status_code INTEGER,
  last_error       TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX messages_due ON messages (next_attempt_at) WHERE status IN (0, 2);
CREATE INDEX messages_subscription ON messages (subscription_id, id);
CREATE INDEX messages_subscriber ON messages (subscriber_id, id);
CREATE INDEX messages_event ON messages (event_id);

CREATE TABLE attempts (
  id               TEXT PRIMARY KEY,
  message_id       TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  subscription_id  TEXT NOT NULL,
  subscriber_id    TEXT NOT NULL,
  event_type       TEXT NOT NULL,
  status_code      INTEGER,
  duration_ms      REAL NOT NULL,
  error            TEXT,
  request_headers  TEXT NOT NULL,
  response_headers TEXT NOT NULL,
  response_body    TEXT NOT NULL,
  trigger          TEXT NOT NULL,
  created_at       INTEGER NOT NULL
);
CREATE INDEX attempts_message ON attempts (message_id, id);
CREATE INDEX attempts_subscription ON attempts (subscription_id, id);
CREATE INDEX attempts_subscriber ON attempts (subscriber_id, id);

CREATE TABLE api_keys (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  scope         TEXT NOT NULL,
  subscriber_id TEXT REFERENCES subscribers(id) ON DELETE CASCADE,
  hash          TEXT NOT NULL UNIQUE,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER,
  revoked_at    INTEGER
);
`;
