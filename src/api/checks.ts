// Checks a JSON Schema cannot express, each failing with its own error code: URLs, header names and
// values, event type names and patterns, an event type's schema and example, an import's entries. Also the small helpers every resource uses.

import type { FastifyRequest } from 'fastify';
import { checkUrlTarget, type NetworkPolicy, type Resolve } from '../delivery/ssrf.js';
import { HeraldError } from '../domain/errors.js';
import { checkExample } from '../domain/event-schemas.js';
import { type EventTypeDraft, isEventTypeName, isEventTypePattern } from '../domain/event-types.js';
import type { Subscription } from '../domain/glossary.js';
import { type IdPrefix, isId } from '../domain/ids.js';
import type { PageQuery, Store } from '../store/store.js';
import { assertVisible } from './auth.js';
import { DEFAULT_PAGE_LIMIT, type EventTypeImportEntryBody, MAX_URL_LENGTH } from './schemas.js';

export function orNotFound<T>(value: T | null): T {
  if (value === null) throw new HeraldError('not_found');
  return value;
}

/** Throws not_found for a string that cannot be an id of this kind, before asking the store. */
/** Stores a subscription under a subscriber named by the request path: a missing subscriber is a
 *  missing resource (404), not bad input. */
export async function createSubscriptionUnder(store: Store, subscription: Subscription): Promise<Subscription> {
  try {
    return await store.createSubscription(subscription);
  } catch (err) {
    if (err instanceof HeraldError && err.code === 'unknown_subscriber') throw new HeraldError('not_found');
    throw err;
  }
}

/** The subscription, or not_found when it does not exist or the caller may not see it. */
export async function loadSubscription(store: Store, request: FastifyRequest, id: string): Promise<Subscription> {
  assertId('sub', id);
  const subscription = orNotFound(await store.getSubscription(id));
  assertVisible(request, subscription.subscriberId);
  return subscription;
}

export function assertId(prefix: IdPrefix, id: string): void {
  if (!isId(prefix, id)) throw new HeraldError('not_found');
}

/** The page a list query asks for. A cursor is the last id (`cursorOf`) or, for event types, the
 *  last name of the previous page: anything else is 400 invalid_cursor, not a meaningless page. */
export function page(query: { limit?: number; cursor?: string }, cursorOf: IdPrefix | 'eventType'): PageQuery {
  const cursor = query.cursor ?? null;
  if (cursor !== null && !(cursorOf === 'eventType' ? isEventTypeName(cursor) : isId(cursorOf, cursor))) {
    throw new HeraldError('invalid_cursor', 'The cursor must be the nextCursor of the previous page of this list', {
      cursor: cursor.slice(0, 64),
    });
  }
  return { limit: query.limit ?? DEFAULT_PAGE_LIMIT, cursor };
}

/**
 * An absolute http(s) URL of at most MAX_URL_LENGTH characters, without credentials, returned as
 * given. Says nothing about where it points: checkTargetUrl does that.
 */
export function checkUrl(url: string): string {
  if (url.length > MAX_URL_LENGTH) throw new HeraldError('invalid_url', `The URL must be at most ${MAX_URL_LENGTH} characters`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HeraldError('invalid_url');
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') throw new HeraldError('invalid_url');
  if (parsed.username !== '' || parsed.password !== '') {
    throw new HeraldError('invalid_url', 'The URL must not contain credentials; use a header (Authorization) instead');
  }
  return url;
}

/**
 * checkUrl, then the SSRF guard (src/delivery/ssrf.ts): 422 url_not_allowed, with the reason, when
 * the host is or resolves to an address Herald may not call, or is http while https is required.
 * Every route that stores a subscription URL goes through here.
 */
export async function checkTargetUrl(url: string, policy: NetworkPolicy, resolve?: Resolve): Promise<string> {
  checkUrl(url);
  const reason = await checkUrlTarget(new URL(url), policy, resolve);
  if (reason !== null) throw new HeraldError('url_not_allowed', `The URL points to a network Herald may not call: ${reason}`, { reason });
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

/**
 * 422 unknown_event_type naming the exact event types (no wildcard) among a subscription's checked
 * patterns that are not in the catalogue; wildcards may name types that do not exist yet. Every
 * route that stores a subscription's event types calls it, after the checks of the request's form.
 */
export async function checkEventTypesExist(store: Store, patterns: readonly string[]): Promise<void> {
  const exact = patterns.filter((p) => !p.endsWith('*'));
  const found = await Promise.all(exact.map((name) => store.getEventType(name)));
  const missing = exact.filter((_, i) => found[i] === null);
  if (missing.length > 0) {
    throw new HeraldError(
      'unknown_event_type',
      `Not in the event type catalogue: ${missing.join(', ')}. Add ${missing.length === 1 ? 'it' : 'them'} first (POST /v1/event-types), or subscribe with a wildcard (order.*)`,
      { eventTypes: missing },
    );
  }
}

/** Checks a schema and an example together (either may be the stored one; the schema is compiled
 *  once), when one of them is new; throws invalid_schema or invalid_example. */
export function checkCatalogueEntry(schema: unknown | null, example: unknown | null, schemaChanged: boolean): void {
  if (schemaChanged || example !== null) checkExample(schema, example);
}

/**
 * The drafts of an import, each checked: its name, that it is given once, its schema, its example
 * against its schema (the stored one when the entry leaves the schema out, and the stored example
 * against a new schema). The first bad entry throws its error with `eventTypes[i]` in front of the
 * message and its index and name in the details; nothing has been written then.
 */
export async function checkImport(store: Store, entries: readonly EventTypeImportEntryBody[]): Promise<EventTypeDraft[]> {
  const seen = new Map<string, number>();
  const drafts: EventTypeDraft[] = [];
  for (const [index, entry] of entries.entries()) {
    try {
      checkEventTypeName(entry.name);
      const first = seen.get(entry.name);
      if (first !== undefined) {
        throw new HeraldError('duplicate_event_type', `${entry.name} is also eventTypes[${first}]: give each event type once`);
      }
      seen.set(entry.name, index);
      const draft: EventTypeDraft = { name: entry.name };
      if (entry.description !== undefined) draft.description = entry.description;
      if (entry.schema !== undefined) draft.schema = entry.schema;
      if (entry.example !== undefined) draft.example = entry.example;
      // Only an entry that gives one of the two and not the other needs the stored one.
      const stored = (draft.schema === undefined) !== (draft.example === undefined) ? await store.getEventType(entry.name) : null;
      const schema = draft.schema !== undefined ? draft.schema : (stored?.schema ?? null);
      const example = draft.example !== undefined ? draft.example : (stored?.example ?? null);
      checkCatalogueEntry(schema, example, draft.schema !== undefined);
      drafts.push(draft);
    } catch (err) {
      if (!(err instanceof HeraldError)) throw err;
      const details = { index, name: entry.name, ...(err.details !== undefined ? { reason: err.details } : {}) };
      throw new HeraldError(err.code, `eventTypes[${index}] (${entry.name.slice(0, 200)}): ${err.message}`, details);
    }
  }
  return drafts;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/; // RFC 9110 token
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/; // RFC 9110 field-value: no CR, LF, NUL or other controls
export const MAX_HEADERS = 64; // custom headers per subscription
export const MAX_HEADER_NAME_LENGTH = 256; // characters
export const MAX_HEADER_VALUE_LENGTH = 8_192; // characters
export const MAX_HEADERS_SIZE = 16_384; // characters of all names and values together; receivers cap request headers too
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
  'expect', // undici refuses it: every attempt would fail
]);
/** Standard Webhooks' own headers (webhook-id, -timestamp, -signature, ...): a subscription must not forge them. */
const RESERVED_PREFIX = 'webhook-';

/** Whether `value` may be sent as a header value (RFC 9110 field-value: no CR, LF, NUL or other controls). */
export function isHeaderValue(value: string): boolean {
  return FIELD_VALUE.test(value);
}

/** Whether `name` may be a header Herald sends on a subscription's behalf: a valid token, not one that
 *  frames the request, and not a Standard Webhooks header. */
export function isConfigurableHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return name.length <= MAX_HEADER_NAME_LENGTH && TOKEN.test(name) && !RESERVED_HEADERS.has(lower) && !lower.startsWith(RESERVED_PREFIX);
}

/** Custom headers of a subscription: valid names and values, none that Herald sets itself, within the caps. */
export function checkHeaders(headers: Record<string, string>): Record<string, string> {
  const entries = Object.entries(headers);
  if (entries.length > MAX_HEADERS) throw new HeraldError('invalid_header', `At most ${MAX_HEADERS} headers`);
  const seen = new Set<string>();
  let size = 0;
  for (const [name, value] of entries) {
    const details = { header: name.slice(0, MAX_HEADER_NAME_LENGTH) };
    if (name.length > MAX_HEADER_NAME_LENGTH) {
      throw new HeraldError('invalid_header', `Header names are at most ${MAX_HEADER_NAME_LENGTH} characters`, details);
    }
    if (!TOKEN.test(name)) throw new HeraldError('invalid_header', `"${name.slice(0, 100)}" is not a valid header name`, details);
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.has(lower) || lower.startsWith(RESERVED_PREFIX)) {
      throw new HeraldError('invalid_header', `The ${name} header is set by Herald and cannot be configured`, details);
    }
    if (seen.has(lower)) throw new HeraldError('invalid_header', `The ${name} header is given twice`, details);
    seen.add(lower);
    if (typeof value !== 'string' || !FIELD_VALUE.test(value)) {
      throw new HeraldError(
        'invalid_header',
        `The value of ${name} contains a line break or another character not allowed in a header`,
        details,
      );
    }
    if (value.length > MAX_HEADER_VALUE_LENGTH) {
      throw new HeraldError('invalid_header', `Header values are at most ${MAX_HEADER_VALUE_LENGTH} characters`, details);
    }
    size += name.length + value.length;
  }
  if (size > MAX_HEADERS_SIZE) throw new HeraldError('invalid_header', `Headers may hold at most ${MAX_HEADERS_SIZE} characters in all`);
  return headers;
}
