// 0014: sessions for the dashboard (issue 19). A session now says how it was opened (kind: an
// operator's /auth or user-name login, an API key, a subscriber portal link) and carries what it may
// do: the scope, the subscriber it is confined to, the API key it ends with. Sessions opened before
// are /auth operator sessions, hence the defaults. Portal links are single-use tokens, by their hash.
export default `
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'operator';
ALTER TABLE sessions ADD COLUMN scope TEXT NOT NULL DEFAULT 'admin';
ALTER TABLE sessions ADD COLUMN subscriber_id TEXT;
ALTER TABLE sessions ADD COLUMN key_id TEXT;
CREATE TABLE portal_links (
  token_hash    TEXT PRIMARY KEY,
  subscriber_id TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  used_at       INTEGER
) WITHOUT ROWID;
CREATE INDEX portal_links_expires ON portal_links (expires_at);
`;
