// The hostile values of the hostile-input suite (hostile-input.test.ts): what is put, one at a time,
// into a path parameter, a query parameter, a header or a body field of an otherwise valid request.
// Some values carry the answer Herald documents for them (README, "Limits on input"): a NUL or a
// lone surrogate anywhere is 400 invalid_string, a number beyond a double 400 invalid_number, JSON
// deeper than 64 levels 400 json_too_deep, a __proto__ key 400 invalid_json. The others only have
// to be answered alike by both stores, without a 5xx, and without a change when refused.
//
// JSON.stringify cannot write `1e999`, a 200-digit number or a __proto__ key as such: those are
// `Raw` JSON text, spliced in by jsonText().

/** JSON text to put in a body as it is. */
export class Raw {
  constructor(readonly text: string) {}
}

/** `value` as JSON text, every Raw in it spliced in verbatim. */
export function jsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof Raw ? `\u0000raw${raws.push(v.text) - 1}\u0000` : v));
  if (text === undefined) throw new Error('jsonText: nothing to write');
  return raws.length === 0 ? text : text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)] as string);
}

/** The answer a value must get, wherever it is put. */
export interface Expect {
  status: number;
  codes: string[];
  /** Why: the documented rule, for the report. */
  rule: string;
}

export const INVALID_STRING: Expect = { status: 400, codes: ['invalid_string'], rule: 'NUL / lone surrogate anywhere: 400 invalid_string' };
export const INVALID_NUMBER: Expect = { status: 400, codes: ['invalid_number'], rule: 'number beyond a double: 400 invalid_number' };
export const TOO_DEEP: Expect = { status: 400, codes: ['json_too_deep'], rule: 'JSON nested deeper than 64 levels: 400 json_too_deep' };
export const PROTO: Expect = { status: 400, codes: ['invalid_json'], rule: '__proto__ / constructor.prototype keys: 400 invalid_json' };
export const INVALID_CURSOR: Expect = { status: 400, codes: ['invalid_cursor'], rule: 'a cursor no page returned: 400 invalid_cursor' };
export const UNSUPPORTED: Expect = {
  status: 415,
  codes: ['unsupported_media_type'],
  rule: 'a body not application/json in UTF-8: 415 unsupported_media_type',
};
export const METHOD_NOT_ALLOWED: Expect = {
  status: 405,
  codes: ['method_not_allowed'],
  rule: 'a method the path does not have: 405 method_not_allowed',
};

export const MB = 1 << 20;
const ONE_MB = 'x'.repeat(MB);

/** Times at and beyond the edges of what date-time formats and Date take. */
const DATES = [
  '2000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00.000Z',
  '0000-01-01T00:00:00Z',
  '2000-02-30T00:00:00Z',
  '2000-01-01T24:00:00Z',
  '2016-12-31T23:59:60Z',
  '2000-01-01T00:00:00.123456789+14:00',
  '2000-01-01',
];

export interface BodyValue {
  label: string;
  value: unknown;
  expect?: Expect;
  /** Sent only once per operation (1 MB). */
  big?: boolean;
}

const nested = (open: string, inner: string, close: string, levels: number) => new Raw(open.repeat(levels) + inner + close.repeat(levels));

/** Values for a JSON body field (or the whole body). */
export const BODY_VALUES: BodyValue[] = [
  { label: 'NUL "a\\u0000b"', value: 'a\u0000b', expect: INVALID_STRING },
  { label: 'lone high surrogate "\\ud800"', value: '\ud800', expect: INVALID_STRING },
  { label: 'lone low surrogate "\\udc00x"', value: '\udc00x', expect: INVALID_STRING },
  { label: 'high surrogate at the end "ok\\ud83d"', value: 'ok\ud83d', expect: INVALID_STRING },
  { label: 'control characters "\\u0001\\u001f\\u007f"', value: '\u0001\u001f\u007f' },
  { label: 'CR LF "a\\r\\nx-injected: 1"', value: 'a\r\nx-injected: 1' },
  { label: '1 MB string', value: ONE_MB, big: true },
  { label: '10,000-character string', value: 'y'.repeat(10_000) },
  { label: 'empty string', value: '' },
  { label: 'blank string', value: '   ' },
  { label: 'emoji (a valid surrogate pair)', value: 'ok \u{1F600}' },
  { label: 'U+2028 U+2029 U+FEFF U+202E', value: '\u2028\u2029\ufeff\u202e' },
  { label: 'markup <script>&"\'', value: '<script>alert(1)</script>&amp;"\']]>' },
  { label: 'CSV formula', value: '=HYPERLINK("x"),;\n"' },
  { label: "SQL ' OR 1=1 --", value: "' OR 1=1 --" },
  { label: "SQL '; DROP TABLE messages; --", value: "'; DROP TABLE messages; --" },
  { label: 'path traversal ../../etc/passwd', value: '../../etc/passwd' },
  { label: 'encoded traversal %2e%2e%2f', value: '%2e%2e%2f' },
  { label: 'string "__proto__"', value: '__proto__' },
  { label: 'string "constructor"', value: 'constructor' },
  { label: 'number 1', value: 1 },
  { label: 'number 0', value: 0 },
  { label: 'number -1', value: -1 },
  { label: 'number 1.5', value: 1.5 },
  { label: 'number 2^53+1', value: new Raw('9007199254740993') },
  { label: 'number 5e-324', value: 5e-324 },
  { label: 'number 1e308', value: 1e308 },
  { label: 'number -1e308', value: -1e308 },
  { label: 'raw 1e999', value: new Raw('1e999'), expect: INVALID_NUMBER },
  { label: 'raw -1e999', value: new Raw('-1e999'), expect: INVALID_NUMBER },
  { label: 'raw 400-digit integer', value: new Raw(`1${'0'.repeat(400)}`), expect: INVALID_NUMBER },
  { label: 'string "1"', value: '1' },
  { label: 'string "true"', value: 'true' },
  { label: 'object {}', value: {} },
  { label: 'array []', value: [] },
  { label: 'null', value: null },
  { label: 'true', value: true },
  { label: 'false', value: false },
  { label: 'object holding a NUL', value: { a: 'a\u0000b' }, expect: INVALID_STRING },
  { label: 'object with a NUL key', value: new Raw('{"a\\u0000":1}'), expect: INVALID_STRING },
  { label: 'array holding a lone surrogate', value: ['ok', '\udfff'], expect: INVALID_STRING },
  { label: 'array holding 1e999', value: [new Raw('1e999')], expect: INVALID_NUMBER },
  { label: '200 levels of arrays', value: nested('[', '', ']', 200), expect: TOO_DEEP },
  { label: '200 levels of objects', value: nested('{"a":', '1', '}', 200), expect: TOO_DEEP },
  { label: '40 levels of arrays (within the limit)', value: nested('[', '1', ']', 40) },
  { label: '{"__proto__":{"x":1}}', value: new Raw('{"__proto__":{"x":1}}'), expect: PROTO },
  { label: '{"constructor":{"prototype":{"x":1}}}', value: new Raw('{"constructor":{"prototype":{"x":1}}}'), expect: PROTO },
  { label: 'array of 10,000 numbers', value: new Array(10_000).fill(7) },
  ...DATES.map((d) => ({ label: `time ${d}`, value: d })),
];

export interface HostileKey {
  label: string;
  /** The property as JSON text: `"name":value`. */
  member: string;
  expect?: Expect;
}

/** Property names put into a body object (with a harmless value). */
export const HOSTILE_KEYS: HostileKey[] = [
  { label: 'unknown property', member: '"hostileUnknown":1' },
  { label: 'NUL in a key', member: '"k\\u0000":1', expect: INVALID_STRING },
  { label: 'lone surrogate key', member: '"\\ud800":1', expect: INVALID_STRING },
  { label: '__proto__ key', member: '"__proto__":{"polluted":1}', expect: PROTO },
  { label: 'constructor.prototype key', member: '"constructor":{"prototype":{"polluted":1}}', expect: PROTO },
  { label: 'SQL key', member: `${JSON.stringify("x' OR 1=1 --")}:"v"` },
  { label: 'empty key', member: '"":"v"' },
  { label: '10,000-character key', member: `"${'k'.repeat(10_000)}":"v"` },
];

export interface UrlValue {
  label: string;
  /** The text as it goes into the URL (already percent-encoded where it should be). */
  text: string;
  expect?: Expect;
  big?: boolean;
}

const enc = encodeURIComponent;

/** Values for a path or query parameter, as URL text. A lone surrogate has no UTF-8 form: the
 *  nearest a URL can get is its WTF-8 bytes (%ED%A0%80), which decoders refuse or replace. */
export const URL_VALUES: UrlValue[] = [
  { label: 'NUL a%00b', text: 'a%00b', expect: INVALID_STRING },
  { label: '%00', text: '%00', expect: INVALID_STRING },
  { label: 'lone high surrogate as WTF-8 %ED%A0%80', text: '%ED%A0%80' },
  { label: 'lone low surrogate as WTF-8 %ED%B0%80x', text: '%ED%B0%80x' },
  { label: 'invalid UTF-8 %FF%FE', text: '%FF%FE' },
  { label: 'malformed escape %ZZ', text: '%ZZ' },
  { label: 'lone %', text: '%' },
  { label: 'control characters %01%1F%7F', text: '%01%1F%7F' },
  { label: 'CR LF %0D%0A', text: 'a%0D%0Ax-injected:%201' },
  { label: '1 MB', text: ONE_MB, big: true },
  { label: '10,000 characters', text: 'y'.repeat(10_000) },
  { label: 'empty', text: '' },
  { label: 'blank %20%20', text: '%20%20' },
  { label: 'plus signs', text: '+++' },
  { label: 'emoji', text: enc('ok \u{1F600}') },
  { label: 'U+2028 U+FEFF U+202E', text: enc('\u2028\ufeff\u202e') },
  { label: 'markup <script>', text: enc('<script>alert(1)</script>&"\'') },
  { label: 'number 1', text: '1' },
  { label: 'number 0', text: '0' },
  { label: 'number -1', text: '-1' },
  { label: 'number 1.5', text: '1.5' },
  { label: 'number 2^53+1', text: '9007199254740993' },
  { label: '1e308', text: '1e308' },
  { label: '-1e308', text: '-1e308' },
  { label: '1e999', text: '1e999' },
  { label: '-1e999', text: '-1e999' },
  { label: 'NaN', text: 'NaN' },
  { label: 'Infinity', text: 'Infinity' },
  { label: 'true', text: 'true' },
  { label: 'null', text: 'null' },
  { label: 'object text {"a":1}', text: enc('{"a":1}') },
  { label: 'array text []', text: enc('[]') },
  { label: '200 [ characters', text: enc('['.repeat(200)) },
  { label: '__proto__', text: '__proto__' },
  { label: 'constructor', text: 'constructor' },
  { label: '{"__proto__":{"x":1}} text', text: enc('{"__proto__":{"x":1}}') },
  { label: "SQL ' OR 1=1 --", text: enc("' OR 1=1 --") },
  { label: "SQL '; DROP TABLE messages; --", text: enc("'; DROP TABLE messages; --") },
  { label: 'SQL LIKE wildcards %25_', text: '%25_%25' },
  { label: 'traversal ../../etc/passwd (raw slashes)', text: '../../etc/passwd' },
  { label: 'traversal ..%2F..%2Fetc%2Fpasswd', text: '..%2F..%2Fetc%2Fpasswd' },
  { label: 'traversal %2e%2e%2f', text: '%2e%2e%2f' },
  { label: 'double-encoded %252e%252e%252f', text: '%252e%252e%252f' },
  { label: 'a quoted value "x"', text: '%22x%22' },
  { label: 'number 1001', text: '1001' },
  { label: 'number 2^31', text: '2147483648' },
  { label: '30 nines', text: '9'.repeat(30) },
  { label: 'hex 0x10', text: '0x10' },
  { label: 'exponent 1e3', text: '1e3' },
  { label: 'padded %201', text: '%201' },
  ...DATES.map((d) => ({ label: `time ${d}`, text: enc(d) })),
];

/** Malformed cursors; `zzz` is a well-formed event type name, so only the event-type list takes it. */
export const CURSOR_VALUES: { label: string; text: string }[] = [
  { label: 'cursor !!!', text: '!!!' },
  { label: 'cursor zzz', text: 'zzz' },
  { label: 'base64 garbage', text: enc('Zm9vYmFyYmF6+/==') },
  { label: 'base64 of JSON {"id":1}', text: 'eyJpZCI6MX0' },
  { label: 'only padding ====', text: '====' },
  { label: 'negative number', text: '-1' },
];

/** Idempotency-Key and other header values. Node's HTTP parser refuses NUL, CR, LF and other
 *  controls in a header before any application sees it, so those are not sent (inject would). */
export const HEADER_VALUES: { label: string; value: string | string[] }[] = [
  { label: "SQL ' OR 1=1 --", value: "' OR 1=1 --" },
  { label: 'traversal ../../etc/passwd', value: '../../etc/passwd' },
  { label: 'empty', value: '' },
  { label: 'blank', value: '   ' },
  { label: '257 characters', value: 'k'.repeat(257) },
  { label: '8,192 characters', value: 'k'.repeat(8_192) },
  { label: 'Latin-1 é', value: '\u00e9t\u00e9' },
  { label: 'UTF-8 bytes of an emoji as Node reads them (Latin-1)', value: Buffer.from('\u{1F600}').toString('latin1') },
  { label: 'repeated header', value: ['a', 'b'] },
  { label: '%00 text', value: '%00' },
  { label: '__proto__', value: '__proto__' },
  { label: '1e999', value: '1e999' },
];
