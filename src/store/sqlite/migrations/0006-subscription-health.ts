// 0006: each subscription keeps its health and its circuit breaker (src/domain/health.ts decides
// them; README "Endpoint health"). Subscriptions disabled before health existed are `disabled` with
// the reason their last attempt gives: a 410 Gone (`endpoint_gone`), else `disabled_manually`.
export default `
ALTER TABLE subscriptions ADD COLUMN health_status TEXT NOT NULL DEFAULT 'healthy';
ALTER TABLE subscriptions ADD COLUMN health_reason TEXT;
ALTER TABLE subscriptions ADD COLUMN health_since INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN failing_since INTEGER;
ALTER TABLE subscriptions ADD COLUMN failed_messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN breaker_state TEXT NOT NULL DEFAULT 'closed';
ALTER TABLE subscriptions ADD COLUMN breaker_faults INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN breaker_until INTEGER;
ALTER TABLE subscriptions ADD COLUMN breaker_opened_at INTEGER;
UPDATE subscriptions SET health_since = updated_at;
UPDATE subscriptions SET health_status = 'disabled',
  health_reason = CASE WHEN (SELECT a.status_code FROM attempts a WHERE a.subscription_id = subscriptions.id ORDER BY a.id DESC LIMIT 1) = 410
    THEN 'endpoint_gone' ELSE 'disabled_manually' END
  WHERE enabled = 0;
`;
