// Limits on JSON request bodies beyond their size (bodyLimit, 413). JSON.parse itself copes with any
// nesting, but what comes after it (schema validation, JSON.stringify into the store, templates)
// recurses, so a body of a million `[` would end in a stack overflow and a 500. exceedsDepth finds
// such a body with one pass over the text before it is parsed: about a third of the cost of
// JSON.parse, and nothing is allocated.
import { HeraldError } from '../domain/errors.js';

export const MAX_JSON_DEPTH = 64; // levels of nested objects and arrays, the outermost counting as 1

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** True when `text` nests objects and arrays deeper than `max`. Brackets inside strings do not count. */
export function exceedsDepth(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > CLOSE_BRACE) continue; // most characters of long strings
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

// Values JSON can spell that Herald cannot keep: a NUL character (PostgreSQL text refuses it, and a
// store that kept it would answer what the other refuses), a lone UTF-16 surrogate (`"\ud800"`:
// no UTF-8 encoding exists, so Herald's own JSON would become unreadable), and a number beyond a
// double (`1e999` parses to Infinity, which JSON.stringify writes as null). Such a value is a 400
// naming where it is, never stored, whatever field it is in: event data included.

/** Text that may hold an unstorable string or number; most bodies do not, and skip the walk. */
const SUSPECT = /\\u0000|\\u[dD][89a-fA-F]|\d[eE][+-]?\d{3}|\d{300}/;
const UNSTORABLE_CHAR = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface Unstorable {
  /** JSON Pointer of the value (or of the key that is wrong, for a bad property name). */
  path: string;
  kind: 'string' | 'number';
}

/** True when `text` contains a NUL or a lone surrogate. */
export function hasUnstorableChar(text: string): boolean {
  return UNSTORABLE_CHAR.test(text);
}

function pointer(path: string, key: string | number): string {
  return `${path}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/** The first string, property name or number in `value` that cannot be stored, or null. */
export function findUnstorable(value: unknown, path = ''): Unstorable | null {
  if (typeof value === 'string') return hasUnstorableChar(value) ? { path, kind: 'string' } : null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : { path, kind: 'number' };
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i], pointer(path, i));
      if (found) return found;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (hasUnstorableChar(key)) return { path: pointer(path, key), kind: 'string' };
    const found = findUnstorable((value as Record<string, unknown>)[key], pointer(path, key));
    if (found) return found;
  }
  return null;
}

/** findUnstorable for a parsed JSON body, walking it only when its text could hold such a value. */
export function findUnstorableInJson(text: string, parsed: unknown): Unstorable | null {
  return SUSPECT.test(text) ? findUnstorable(parsed) : null;
}

/** The error an unstorable value answers: 400 naming where it is (`body.data.name`). */
export function unstorableError(where: 'body' | 'query' | 'path', bad: Unstorable): HeraldError {
  const field = `${where}${bad.path.replaceAll('/', '.')}`;
  const details = [{ in: where, path: bad.path }];
  return bad.kind === 'string'
    ? new HeraldError('invalid_string', `${field} contains a NUL character or a lone UTF-16 surrogate, which Herald cannot store`, details)
    : new HeraldError('invalid_number', `${field} is not a finite number (beyond the range of a double)`, details);
}

/** The charset parameter of a Content-Type header, lowercased, or null when it names none. */
export function jsonCharset(contentType: string | undefined): string | null {
  const match = contentType ? /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType) : null;
  return match ? (match[1] as string).toLowerCase() : null;
}

/** Why fastify's parser refused `text`, which it does not say: where the syntax breaks, or the
 *  prototype-poisoning keys (`__proto__`, `constructor.prototype`) it refuses in valid JSON. */
export function explainInvalidJson(text: string): HeraldError {
  try {
    JSON.parse(text);
  } catch (err) {
    return new HeraldError('invalid_json', `The request body is not valid JSON: ${(err as Error).message.slice(0, 200)}`);
  }
  return new HeraldError('invalid_json', 'JSON bodies may not have __proto__ or constructor.prototype properties (prototype poisoning)');
}
