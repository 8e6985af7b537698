// Event type names and subscription patterns. A name is lowercase dotted words
// (`salesorder.created`); a pattern is a name, a prefix wildcard (`salesorder.*`, which matches any
// name below `salesorder.`) or `*` (everything). Fan-out turns an event's type into the short list
// of patterns that could match it, so the store can look subscriptions up by exact value.

import { HeraldError } from './errors.js';
import type { EventType } from './glossary.js';

export const EVENT_TYPE_NAME = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;
export const EVENT_TYPE_NAME_MAX = 200; // characters
const PATTERN = /^(\*|[a-z0-9_-]+(\.[a-z0-9_-]+)*(\.\*)?)$/;

/** 422 unknown_event_type for an event of `type`: names it and how to add it to the catalogue. */
export function unknownEventType(type: string): HeraldError {
  return new HeraldError(
    'unknown_event_type',
    `Event type "${type}" is not in the catalogue: add it first, with POST /v1/event-types {"name": "${type}"} or \`herald event-types import FILE.json\`, then send the event again`,
    { type },
  );
}

export function isEventTypeName(name: string): boolean {
  return name.length <= EVENT_TYPE_NAME_MAX && EVENT_TYPE_NAME.test(name);
}

export function isEventTypePattern(pattern: string): boolean {
  return pattern.length <= EVENT_TYPE_NAME_MAX && PATTERN.test(pattern);
}

/** Every pattern that matches `type`: itself, each `prefix.*` above it, and `*`. */
export function patternsMatching(type: string): string[] {
  const out = [type, '*'];
  let dot = type.lastIndexOf('.');
  while (dot > 0) {
    out.push(`${type.slice(0, dot)}.*`);
    dot = type.lastIndexOf('.', dot - 1);
  }
  return out;
}

/** JSON with object keys sorted at every depth, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** An import's entry: a name and the fields to set; a field left out keeps its stored value (for
 *  a new event type: no description, schema or example). */
export interface EventTypeDraft {
  name: string;
  description?: string;
  schema?: unknown | null;
  example?: unknown | null;
}

/** What an import's entry does to the stored event type (null: there is none), at `now`: the event
 *  type it leaves and whether that was a creation, a change (description, schema or example differ
 *  as JSON values; the order of an object's keys does not count) or nothing. */
export function applyDraft(
  current: EventType | null,
  draft: EventTypeDraft,
  now: number,
): { eventType: EventType; change: 'created' | 'updated' | 'unchanged' } {
  if (current === null) {
    const eventType = {
      name: draft.name,
      description: draft.description ?? '',
      schema: draft.schema ?? null,
      example: draft.example ?? null,
      createdAt: now,
      updatedAt: now,
    };
    return { eventType, change: 'created' };
  }
  const next: EventType = {
    ...current,
    description: draft.description ?? current.description,
    schema: draft.schema === undefined ? current.schema : draft.schema,
    example: draft.example === undefined ? current.example : draft.example,
  };
  const differs =
    next.description !== current.description ||
    canonicalJson(next.schema) !== canonicalJson(current.schema) ||
    canonicalJson(next.example) !== canonicalJson(current.example);
  if (!differs) return { eventType: current, change: 'unchanged' };
  return { eventType: { ...next, updatedAt: nextUpdatedAt(current.updatedAt, now) }, change: 'updated' };
}

/** The updatedAt a change made at `now` gives: `now`, or one more than the last when `now` is not
 *  later, so that every change moves it (compiled schemas are cached by it). */
export function nextUpdatedAt(previous: number, now: number): number {
  return Math.max(now, previous + 1);
}

/**
 * The data to send for an event type when none is given ("Trigger now", preview): its example, or
 * null when it has none (the caller then uses a sample of its own).
 */
export function exampleData(eventType: Pick<EventType, 'example'> | null): unknown | null {
  return eventType?.example ?? null;
}
