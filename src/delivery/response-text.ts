// What a receiver sends back, made storable. Receivers are untrusted: their response bodies and
// header values are bytes, not text, and may hold anything (NUL bytes, invalid UTF-8, binary).
// Attempts keep them as text in PostgreSQL (text and json, neither of which can hold U+0000 or a
// lone surrogate, so one such value would fail the whole batch it is recorded with) and in SQLite,
// so every response passes through here first: decoded as UTF-8, each invalid sequence replaced by
// U+FFFD (the WHATWG decoder's rule), and U+0000 replaced by U+FFFD too. The result is valid UTF-16
// without NUL, storable anywhere and readable as JSON. Plain text without NUL costs one memchr
// (`includes(0)`) besides the decoding itself.

const REPLACEMENT = '\uFFFD';
const NON_ASCII_OR_NUL = /[^\x01-\x7f]/;

// ES2024's String.prototype.isWellFormed / toWellFormed (Node 20 has them; the lib setting predates them).
type WellFormed = { isWellFormed(): boolean; toWellFormed(): string };

/**
 * `input` as storable text. Bytes are decoded as UTF-8, invalid sequences (a sequence cut at the
 * body cap included) becoming U+FFFD; a string has its lone surrogates replaced by U+FFFD. Either
 * way U+0000 becomes U+FFFD.
 */
export function storableText(input: Uint8Array | string): string {
  if (typeof input !== 'string') {
    const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    // Buffer's UTF-8 decoding replaces invalid sequences with U+FFFD and never yields a lone surrogate.
    const text = buf.toString('utf8');
    return buf.includes(0) ? text.replaceAll('\0', REPLACEMENT) : text;
  }
  const text = input.includes('\0') ? input.replaceAll('\0', REPLACEMENT) : input;
  return (text as unknown as WellFormed).isWellFormed() ? text : (text as unknown as WellFormed).toWellFormed();
}

/**
 * A response header value as storable text. undici hands header values over as latin1 strings
 * (one char per byte); the bytes are decoded as UTF-8 like a body, so UTF-8 values read as sent and
 * anything else becomes U+FFFD. ASCII without NUL, nearly every header, is returned as it is.
 */
export function storableHeaderValue(latin1: string): string {
  return NON_ASCII_OR_NUL.test(latin1) ? storableText(Buffer.from(latin1, 'latin1')) : latin1;
}
