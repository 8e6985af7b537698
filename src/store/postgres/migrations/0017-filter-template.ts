// 0017: a subscription's filter (a JSON list of CEL expressions; NULL: every event of its types), its
// payload template (JSON text; NULL: none) and its template preset's name (NULL: none). JSON text
// rather than jsonb, as in SQLite: the store never queries inside them.
export default `
ALTER TABLE subscriptions
  ADD COLUMN "filter" TEXT,
  ADD COLUMN template TEXT,
  ADD COLUMN template_preset TEXT;
`;
