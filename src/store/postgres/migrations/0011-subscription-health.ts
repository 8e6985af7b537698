// 0011: each subscription keeps its health and its circuit breaker (src/domain/health.ts decides
// them; README "Endpoint health"), as SQLite's migration 0006 does. Subscriptions disabled before
// health existed are `disabled` with the reason their last attempt gives: a 410 Gone
// (`endpoint_gone`), else `disabled_manually`. Columns with constant defaults are catalogue changes.
export default `
ALTER TABLE subscriptions
  ADD COLUMN health_status TEXT NOT NULL DEFAULT 'healthy',
  ADD COLUMN health_reason TEXT,
  ADD COLUMN health_since BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN failing_since BIGINT,
  ADD COLUMN failed_messages INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN breaker_state TEXT NOT NULL DEFAULT 'closed',
  ADD COLUMN breaker_faults INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN breaker_until BIGINT,
  ADD COLUMN breaker_opened_at BIGINT;
UPDATE subscriptions SET health_since = updated_at;
UPDATE subscriptions s SET health_status = 'disabled',
  health_reason = CASE WHEN (SELECT a.status_code FROM attempts a WHERE a.subscription_id = s.id ORDER BY a.id DESC LIMIT 1) = 410
    THEN 'endpoint_gone' ELSE 'disabled_manually' END
  WHERE NOT s.enabled;
`;
