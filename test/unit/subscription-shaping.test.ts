// What a subscription's filter, payload format, template and preset may be when saved
// (src/api/subscription-shaping.ts): the 422s with their positions, and how an update combines
// what it gives with what is stored.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFilter, checkPayloadShape, checkTemplate } from '../../src/api/subscription-shaping.js';
import { HeraldError } from '../../src/domain/errors.js';

function refused(fn: () => unknown, code: string): HeraldError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof HeraldError, String(err));
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

describe('subscription filter and template checks', () => {
  it('keeps a filter that compiles, null and [] as given', () => {
    assert.deepEqual(checkFilter(['order.total > 100', 'order.status != "draft"']), ['order.total > 100', 'order.status != "draft"']);
    assert.equal(checkFilter(null), null);
    assert.deepEqual(checkFilter([]), []);
  });

  it('refuses a filter naming the index, the expression and the line and column; every failing one in details', () => {
    const e = refused(() => checkFilter(['order.total > 100', 'a ==\n  == b', 'x.matches("(a+)+$")']), 'invalid_filter');
    assert.match(e.message, /^filter\[1\] "a ==\\n {2}== b": .* at line 2, column \d+ \(and 1 more\)$/);
    const details = e.details as { index: number; code: string; line: number; column: number }[];
    assert.deepEqual(
      details.map((d) => [d.index, d.line]),
      [
        [1, 2],
        [2, 1],
      ],
    );
    assert.equal(details[1]!.code, 'unsafe_regex');
    const many = refused(() => checkFilter(Array.from({ length: 21 }, () => 'true')), 'invalid_filter');
    assert.match(many.message, /^filter: 21 filter expressions, more than 20$/);
  });

  it('refuses a template naming the JSON path, the hole and the position', () => {
    assert.deepEqual(checkTemplate({ a: '{{ order.id }}' }), { a: '{{ order.id }}' });
    const e = refused(() => checkTemplate({ a: ['ok', { 'my key': 'x {{ order. }}' }] }), 'invalid_template');
    assert.match(e.message, /^template \$\.a\[1\]\["my key"\] \{\{ order\. \}\}: .* at line 1, column \d+$/);
    assert.equal((e.details as { path: string }[])[0]!.path, '$.a[1]["my key"]');
  });

  it('payloadFormat template takes exactly one of template and templatePreset; other formats neither', () => {
    assert.deepEqual(checkPayloadShape({}, null), { payloadFormat: 'standard', template: null, templatePreset: null });
    assert.deepEqual(checkPayloadShape({ payloadFormat: 'template', templatePreset: 'teams' }, null), {
      payloadFormat: 'template',
      template: null,
      templatePreset: 'teams',
    });
    refused(() => checkPayloadShape({ payloadFormat: 'template' }, null), 'invalid_template');
    refused(() => checkPayloadShape({ payloadFormat: 'template', template: { a: 1 }, templatePreset: 'slack' }, null), 'invalid_template');
    refused(() => checkPayloadShape({ template: { a: 1 } }, null), 'invalid_template');
    refused(() => checkPayloadShape({ payloadFormat: 'raw', templatePreset: 'discord' }, null), 'invalid_template');
    refused(() => checkPayloadShape({ payloadFormat: 'template', template: { a: '{{ }}' } }, null), 'invalid_template');
  });

  it('an update keeps what it leaves out, replaces one of template and preset with the other, and clears both for another format', () => {
    const stored = { payloadFormat: 'template' as const, template: { a: '{{ x }}' }, templatePreset: null };
    assert.deepEqual(checkPayloadShape({ templatePreset: 'slack' }, stored), {
      payloadFormat: 'template',
      template: null,
      templatePreset: 'slack',
    });
    const preset = { payloadFormat: 'template' as const, template: null, templatePreset: 'slack' as const };
    assert.deepEqual(checkPayloadShape({ template: { b: 1 } }, preset), {
      payloadFormat: 'template',
      template: { b: 1 },
      templatePreset: null,
    });
    assert.deepEqual(checkPayloadShape({ payloadFormat: 'standard' }, preset), {
      payloadFormat: 'standard',
      template: null,
      templatePreset: null,
    });
    refused(() => checkPayloadShape({ templatePreset: null }, preset), 'invalid_template');
    refused(() => checkPayloadShape({ payloadFormat: 'raw', templatePreset: 'slack' }, preset), 'invalid_template');
    const plain = { payloadFormat: 'standard' as const, template: null, templatePreset: null };
    refused(() => checkPayloadShape({ templatePreset: 'teams' }, plain), 'invalid_template');
    assert.deepEqual(checkPayloadShape({ payloadFormat: 'template', templatePreset: 'teams' }, plain), {
      payloadFormat: 'template',
      template: null,
      templatePreset: 'teams',
    });
  });
});
