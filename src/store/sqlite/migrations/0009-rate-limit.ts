// 0009: a subscription's rate limit (NULL: none) and the budget each limited subscription has left:
// its GCRA "theoretical arrival time" (src/delivery/rate-limit.ts), in ms.
export default `
ALTER TABLE subscriptions ADD COLUMN rate_limit INTEGER;
ALTER TABLE subscriptions ADD COLUMN rate_limit_period_seconds REAL;
CREATE TABLE rate_limits (
  subscription_id TEXT PRIMARY KEY,
  tat REAL NOT NULL
);
`;
