// 0014: a subscription's rate limit (NULL: none) and the budget each limited subscription has left,
// shared by every worker: its GCRA "theoretical arrival time" (src/delivery/rate-limit.ts), in ms.
export default `
ALTER TABLE subscriptions ADD COLUMN rate_limit INTEGER;
ALTER TABLE subscriptions ADD COLUMN rate_limit_period_seconds DOUBLE PRECISION;
CREATE TABLE rate_limits (
  subscription_id TEXT PRIMARY KEY,
  tat DOUBLE PRECISION NOT NULL
);
`;
