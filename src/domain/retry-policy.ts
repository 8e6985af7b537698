// When a failed message is tried again. Default is Jiwa's schedule (seed 001): retry n (0-based)
// waits 10^(n × retryInterval) seconds — 1 s, 10 s, 100 s, ... — for at most maxRetries retries,
// then the message is `failed`. A subscription may give its own list of delays instead.
// Jitter (±10 %) spreads retries of a burst so a recovering receiver is not hit all at once.

export interface RetrySettings {
  retryInterval: number; // exponent base factor, Jiwa's WebhooksRetryInterval
  maxRetries: number; // Jiwa's WebhooksMaxRetries
}

export const RETRY_AFTER_MAX_SECONDS = 3_600; // a receiver's Retry-After is honoured up to an hour
export const JITTER_FRACTION = 0.1; // ±10 % of the delay

/** Seconds to wait before retry number `retryIndex` (0-based), or null when retries are exhausted. */
export function retryDelaySeconds(retryIndex: number, schedule: number[] | null, settings: RetrySettings): number | null {
  if (schedule) return retryIndex < schedule.length ? (schedule[retryIndex] as number) : null;
  if (retryIndex >= settings.maxRetries) return null;
  return 10 ** (retryIndex * settings.retryInterval);
}

export function withJitter(delayMs: number, random: () => number = Math.random): number {
  return Math.max(0, Math.round(delayMs * (1 + (random() * 2 - 1) * JITTER_FRACTION)));
}

/**
 * Parses a Retry-After header (delta seconds or an HTTP date) into seconds, clamped to
 * [0, RETRY_AFTER_MAX_SECONDS]; null when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  let seconds: number;
  if (/^\d+$/.test(trimmed)) seconds = Number(trimmed);
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return null;
    seconds = Math.ceil((at - nowMs) / 1000);
  }
  return Math.min(Math.max(seconds, 0), RETRY_AFTER_MAX_SECONDS);
}
