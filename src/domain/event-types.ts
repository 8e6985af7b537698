// Event type names and subscription patterns. A name is lowercase dotted words
// (`salesorder.created`); a pattern is a name, a prefix wildcard (`salesorder.*`, which matches any
// name below `salesorder.`) or `*` (everything). Fan-out turns an event's type into the short list
// of patterns that could match it, so the store can look subscriptions up by exact value.

export const EVENT_TYPE_NAME = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;
export const EVENT_TYPE_NAME_MAX = 200; // characters
const PATTERN = /^(\*|[a-z0-9_-]+(\.[a-z0-9_-]+)*(\.\*)?)$/;

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
