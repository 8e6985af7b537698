// 0004: the Jiwa-compatible API's operator sessions (/auth) move from each process's memory to the
// database, so they survive a restart. By the hash of their token; the token itself is not kept.
export default `
CREATE TABLE sessions (
  token_hash   TEXT PRIMARY KEY,
  id           TEXT NOT NULL,
  user_name    TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
`;
