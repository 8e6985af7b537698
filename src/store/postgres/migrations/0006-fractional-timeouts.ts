// 0006: subscription timeouts are seconds with a fraction (1.5 s), as the API and SQLite allow;
// 0001 made the column an integer, so such a value failed on PostgreSQL.
export default `
ALTER TABLE subscriptions ALTER COLUMN timeout_seconds TYPE DOUBLE PRECISION;
`;
