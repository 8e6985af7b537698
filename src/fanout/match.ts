// Which subscriptions an event reaches, as rules both stores apply to what they looked up: the
// stores find the candidates (by pattern, enabled), these decide. One rule, one place, so SQLite and
// PostgreSQL cannot disagree (DESIGN.md §3).

/**
 * Does a subscription with `subscriptionChannels` take an event sent on `eventChannels`?
 * A subscription without channels (null or []) takes every event, on any channel or none; one
 * with channels takes only events sent on at least one of them (an event without channels, null
 * or [], reaches none of those). As Svix's endpoint channels.
 */
export function channelsMatch(subscriptionChannels: readonly string[] | null, eventChannels: readonly string[] | null): boolean {
  if (subscriptionChannels === null || subscriptionChannels.length === 0) return true;
  if (eventChannels === null) return false;
  return eventChannels.some((c) => subscriptionChannels.includes(c));
}

/** Does a subscription of `subscriberId` take an event scoped to `eventSubscriberId` (null: every subscriber)? */
export function subscriberMatches(subscriberId: string, eventSubscriberId: string | null): boolean {
  return eventSubscriberId === null || subscriberId === eventSubscriberId;
}

/** Does a subscription with these patterns (exact names, `prefix.*`, `*`) want events of `type`? */
export function typeMatches(patterns: readonly string[], type: string): boolean {
  for (const p of patterns) {
    if (p === '*' || p === type) return true;
    if (p.endsWith('.*') && type.startsWith(p.slice(0, -1))) return true;
  }
  return false;
}
