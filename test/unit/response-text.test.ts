// What a receiver sends back becomes storable text (src/delivery/response-text.ts): valid UTF-16
// without U+0000, so PostgreSQL text and json and SQLite all take it.
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { describe, it } from 'node:test';
import { storableHeaderValue, storableText } from '../../src/delivery/response-text.js';

const R = '\uFFFD';

/** Storable: no NUL, no lone surrogate, and it survives a UTF-8 round trip unchanged. */
function assertStorable(text: string): void {
  assert.ok(!text.includes('\0'), JSON.stringify(text));
  assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text), JSON.stringify(text));
  const bytes = Buffer.from(text, 'utf8');
  assert.ok(isUtf8(bytes));
  assert.equal(bytes.toString('utf8'), text);
  assert.deepEqual(JSON.parse(JSON.stringify({ text })), { text });
}

describe('storableText', () => {
  it('returns plain UTF-8 unchanged, as a buffer or a string', () => {
    for (const text of ['', 'ok', '{"received":true}', 'Grüße, 東京 🚀', 'tab\tand\r\nnewlines and \u0001 controls']) {
      assert.equal(storableText(Buffer.from(text, 'utf8')), text);
      assert.equal(storableText(text), text);
    }
  });

  it('replaces NUL bytes with U+FFFD', () => {
    assert.equal(storableText(Buffer.from('ok\0\0trailer', 'latin1')), `ok${R}${R}trailer`);
    assert.equal(storableText(Buffer.from([0])), R);
    assert.equal(storableText('a\0b'), `a${R}b`);
  });

  it('replaces invalid UTF-8 with U+FFFD, keeping the valid text around it', () => {
    const cases: [number[], string][] = [
      [[0x61, 0xff, 0x62], `a${R}b`], // a byte that never starts a sequence
      [[0x61, 0x80, 0x62], `a${R}b`], // a lone continuation byte
      [[0x61, 0xc3], `a${R}`], // a sequence cut off at the end (as at the body cap)
      [[0xe2, 0x82, 0x61], `${R}a`], // a truncated three-byte sequence
      [[0xed, 0xa0, 0x80], `${R}${R}${R}`], // an encoded surrogate (CESU-8)
      [[0xc0, 0xaf], `${R}${R}`], // an overlong encoding of '/'
      [[0xf4, 0x90, 0x80, 0x80], `${R}${R}${R}${R}`], // beyond U+10FFFF
      [[0x00, 0xfe, 0x00], `${R}${R}${R}`],
    ];
    for (const [bytes, expected] of cases) {
      const text = storableText(Buffer.from(bytes));
      assert.equal(text, expected, Buffer.from(bytes).toString('hex'));
      assertStorable(text);
    }
  });

  it('makes binary storable', () => {
    const all = Buffer.alloc(256 * 4);
    for (let i = 0; i < all.length; i++) all[i] = (i * 7 + (i >> 8)) & 0xff;
    const text = storableText(all);
    assertStorable(text);
    assert.ok(text.includes(R));
  });

  it('accepts any Uint8Array view, not only Buffers', () => {
    const backing = new Uint8Array([0x78, 0x6f, 0x6b, 0x00, 0x21, 0x78]);
    assert.equal(storableText(backing.subarray(1, 5)), `ok${R}!`);
  });

  it('replaces lone surrogates in strings, keeping pairs', () => {
    assert.equal(storableText('a\uD800b'), `a${R}b`);
    assert.equal(storableText('\uDC00x'), `${R}x`);
    assert.equal(storableText('x\uD83D'), `x${R}`);
    assert.equal(storableText('\uD83D\uDE80'), '🚀');
    assert.equal(storableText('\0\uD800'), `${R}${R}`);
  });

  it('keeps text cut at a byte boundary readable', () => {
    const body = Buffer.from('é'.repeat(10), 'utf8'); // two bytes each
    const cut = storableText(body.subarray(0, 7));
    assert.equal(cut, `ééé${R}`);
  });
});

describe('storableHeaderValue', () => {
  it('returns ASCII values as they are', () => {
    for (const value of ['', 'application/json', 'max-age=0, no-cache', 'W/"abc"']) assert.equal(storableHeaderValue(value), value);
  });

  it('reads the latin1 string undici hands over as the UTF-8 bytes the receiver sent', () => {
    const sent = 'attachment; filename="Grüße.txt"';
    assert.equal(storableHeaderValue(Buffer.from(sent, 'utf8').toString('latin1')), sent);
  });

  it('replaces bytes that are not UTF-8, and NUL, with U+FFFD', () => {
    assert.equal(storableHeaderValue('caf\u00e9'), `caf${R}`); // a latin1 é, not UTF-8
    assert.equal(storableHeaderValue('a\0b'), `a${R}b`);
    assertStorable(storableHeaderValue('\u00ff\u00fe\u0000\u0080'));
  });
});
