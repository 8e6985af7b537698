// 0011: a subscription's filter (a JSON list of CEL expressions; NULL: every event of its types), its
// payload template (JSON text; NULL: none) and its template preset's name (NULL: none).
export default `
ALTER TABLE subscriptions ADD COLUMN "filter" TEXT;
ALTER TABLE subscriptions ADD COLUMN template TEXT;
ALTER TABLE subscriptions ADD COLUMN template_preset TEXT;
`;
