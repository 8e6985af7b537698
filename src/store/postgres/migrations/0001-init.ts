// 0001: the initial schema. Times are BIGINT epoch milliseconds; message status is Jiwa's number
// (0 pending, 1 succeeded, 2 retrying, 3 failed). JSON that is only ever read back whole (headers,
// metadata, schemas) is kept as TEXT so it round-trips byte for byte without jsonb's rewriting.
// Shipped: never edit, add 0002 instead.
export default `
CREATE TABLE event_types (
  name        TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  schema_json TEXT,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);

CREATE TABLE subscribers (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  enabled       BOOLEAN NOT NULL,
  metadata_json TEXT,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);

CREATE TABLE subscriptions (
  id              TEXT PRIMARY KEY,
  subscriber_id   TEXT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  name            TEXT,
  description     TEXT,
  url             TEXT NOT NULL,
  method          TEXT NOT NULL,
  event_types     TEXT[] NOT NULL,
  channels        TEXT[],
  headers_json    TEXT NOT NULL,
  payload_format  TEXT NOT NULL,
  retry_schedule  DOUBLE PRECISION[],
  timeout_seconds INTEGER NOT NULL,
  enabled         BOOLEAN NOT NULL,
  secret          TEXT NOT NULL,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL
);
CREATE INDEX subscriptions_subscriber ON subscriptions (subscriber_id, id);

-- One row per pattern of subscriptions.event_types, so fan-out is an exact lookup:
-- pattern = ANY(patternsMatching(type)).
CREATE TABLE subscription_patterns (
  pattern         TEXT NOT NULL,
  subscription_id TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
  PRIMARY KEY (pattern, subscription_id)
);
CREATE INDEX subscription_patterns_subscription ON subscription_patterns (subscription_id);

CREATE TABLE events (
  id              TEXT PRIMARY KEY,
  type            TEXT NOT NULL,
  data_json       TEXT NOT NULL,
  idempotency_key TEXT,
  request_hash    TEXT,
  subscriber_id   TEXT,
  channels        TEXT[],
  message_count   INTEGER NOT NULL,
  created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX events_idempotency ON events ((COALESCE(subscriber_id, '')), idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX events_type ON events (type, id);
CREATE INDEX events_subscriber ON events (subscriber_id, id);

CREATE TABLE messages (
  id               TEXT PRIMARY KEY,
  event_id         TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  event_type       TEXT NOT NULL,
  subscriber_id    TEXT NOT NULL,
  subscription_id  TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
  status           SMALLINT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  retries          INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  BIGINT,
  leased           BOOLEAN NOT NULL DEFAULT FALSE,
  manual           BOOLEAN NOT NULL DEFAULT FALSE,
  last_status_code INTEGER,
  last_error       TEXT,
  created_at       BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL
);
-- The claim query's index: only deliverable messages, oldest due first.
CREATE INDEX messages_due ON messages (next_attempt_at, id) WHERE status IN (0, 2);
CREATE INDEX messages_subscription ON messages (subscription_id, id);
CREATE INDEX messages_subscriber ON messages (subscriber_id, id);
CREATE INDEX messages_event ON messages (event_id);
CREATE INDEX messages_event_type ON messages (event_type, id);

CREATE TABLE attempts (
  id                    TEXT PRIMARY KEY,
  message_id            TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  subscription_id       TEXT NOT NULL,
  subscriber_id         TEXT NOT NULL,
  event_type            TEXT NOT NULL,
  status_code           INTEGER,
  duration_ms           INTEGER NOT NULL,
  error                 TEXT,
  request_headers_json  TEXT NOT NULL,
  response_headers_json TEXT NOT NULL,
  response_body         TEXT NOT NULL,
  trigger               TEXT NOT NULL,
  created_at            BIGINT NOT NULL
);
CREATE INDEX attempts_message ON attempts (message_id, id);
CREATE INDEX attempts_subscription ON attempts (subscription_id, id);
CREATE INDEX attempts_subscriber ON attempts (subscriber_id, id);

CREATE TABLE api_keys (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  scope         TEXT NOT NULL,
  subscriber_id TEXT,
  hash          TEXT NOT NULL UNIQUE,
  created_at    BIGINT NOT NULL,
  expires_at    BIGINT,
  revoked_at    BIGINT
);
`;
