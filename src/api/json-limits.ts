// Limits on JSON request bodies beyond their size (bodyLimit, 413). JSON.parse itself copes with any
// nesting, but what comes after it (schema validation, JSON.stringify into the store, templates)
// recurses, so a body of a million `[` would end in a stack overflow and a 500. exceedsDepth finds
// such a body with one pass over the text before it is parsed: about a third of the cost of
// JSON.parse, and nothing is allocated.

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
