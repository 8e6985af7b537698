// Checks a JSON Schema cannot express, each failing with its own error code: URLs, header names and
// values, event type names and patterns. Also the small helpers every resource uses.

import { HeraldError } from '../domain/errors.js';
import { isEventTypeName, isEventTypePattern } from '../domain/event-types.js';
import { type IdPrefix, isId } from '../domain/ids.js';
import type { PageQuery } from '../store/store.js';
import { DEFAULT_PAGE_LIMIT, MAX_URL_LENGTH } from './schemas.js';

export function orNotFound<T>(value: T | null): T {
  if (value === null) throw new HeraldError('not_found');
  return value;
}

/** Throws not_found for a string that cannot be an id of this kind, before asking the store. */
export function assertId(prefix: IdPrefix, id: string): void {
  if (!isId(prefix, id)) throw new HeraldError('not_found');
}

export function page(query: { limit?: number; cursor?: string }): PageQuery {
  return { limit: query.limit ?? DEFAULT_PAGE_LIMIT, cursor: query.cursor ?? null };
}

/** An absolute http(s) URL of at most MAX_URL_LENGTH characters, returned as given. */
export function checkUrl(url: string): string {
  if (url.length > MAX_URL_LENGTH) throw new HeraldError('invalid_url', `The URL must be at most ${MAX_URL_LENGTH} characters`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HeraldError('invalid_url');
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') throw new HeraldError('invalid_url');
  return url;
}

export function checkEventTypeName(name: string): string {
  if (!isEventTypeName(name)) throw new HeraldError('invalid_event_type_name', undefined, { name });
  return name;
}

/** Subscription patterns, deduplicated in order. */
export function checkEventTypePatterns(patterns: string[]): string[] {
  const bad = patterns.filter((p) => !isEventTypePattern(p));
  if (bad.length > 0) {
    throw new HeraldError(
      'invalid_event_type_name',
      'Event types are lowercase dotted names (salesorder.created) or wildcards (salesorder.*, *)',
      { eventTypes: bad },
    );
  }
  return [...new Set(patterns)];
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/; // RFC 9110 token
const BAD_VALUE = /[\r\n\0]/;
/** Headers Herald sets itself or that would corrupt the request framing. */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'upgrade',
  'keep-alive',
  'te',
  'trailer',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);

export function checkHeaders(headers: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new HeraldError('invalid_header', `"${name.slice(0, 100)}" is not a valid header name`, { header: name });
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new HeraldError('invalid_header', `The ${name} header is set by Herald and cannot be configured`, { header: name });
    }
    if (BAD_VALUE.test(value)) throw new HeraldError('invalid_header', `The value of ${name} contains a line break`, { header: name });
  }
  return headers;
}
