// 0009: the Jiwa-compatible API's operator sessions (/auth) move from each process's memory to the
// database: every API process behind a load balancer knows them, without sticky sessions, and they
// survive a restart. By the hash of their token; the token itself is not kept.
export default `
CREATE TABLE sessions (
  token_hash   TEXT PRIMARY KEY,
  id           TEXT NOT NULL,
  user_name    TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
`;
