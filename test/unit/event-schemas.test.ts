// Event type schemas (src/domain/event-schemas.ts) and import drafts (src/domain/event-types.ts):
// what a violation names, which schemas are refused, the compiled-validator cache.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeraldError } from '../../src/domain/errors.js';
import { checkExample, checkSchema, PATTERN_INPUT_MAX_CHARS, SchemaValidators, violationIn } from '../../src/domain/event-schemas.js';
import { applyDraft, exampleData } from '../../src/domain/event-types.js';
import type { EventType } from '../../src/domain/glossary.js';

const refusedWith = (code: string, pattern?: RegExp) => (err: unknown) =>
  err instanceof HeraldError && err.code === code && (pattern === undefined || pattern.test(err.message));

describe('event type schemas', () => {
  it('names the failing JSON pointer: the value, or the missing or extra property', () => {
    const schema = {
      type: 'object',
      properties: {
        'a/b': { type: 'object', required: ['c~d'], properties: { 'c~d': { type: 'string' } } },
        list: { type: 'array', items: { type: 'integer' } },
        closed: { type: 'object', additionalProperties: false, properties: { ok: { type: 'boolean' } } },
      },
    };
    assert.equal(violationIn(schema, { 'a/b': {} })?.path, '/a~1b/c~0d');
    assert.equal(violationIn(schema, { list: [1, 2, 'three'] })?.path, '/list/2');
    assert.deepEqual(violationIn(schema, { closed: { ok: true, extra: 1 } }), {
      path: '/closed/extra',
      message: 'must NOT have additional properties',
      keyword: 'additionalProperties',
      schemaPath: '#/properties/closed/additionalProperties',
    });
    assert.equal(violationIn(schema, { list: [1], closed: { ok: true } }), null);
  });

  it('speaks 2020-12 by default and draft-07 when $schema says so', () => {
    assert.equal(violationIn({ type: 'array', prefixItems: [{ type: 'string' }] }, [1])?.path, '/0');
    const draft07 = { $schema: 'http://json-schema.org/draft-07/schema#', definitions: { n: { type: 'number' } }, $ref: '#/definitions/n' };
    assert.equal(violationIn(draft07, 'x')?.keyword, 'type');
    assert.throws(
      () => checkSchema({ $schema: 'https://json-schema.org/draft/2019-09/schema' }),
      refusedWith('invalid_schema', /\$schema/),
    );
  });

  it('refuses what is not a safe, self-contained schema', () => {
    assert.throws(() => checkSchema([]), refusedWith('invalid_schema', /JSON object/));
    assert.throws(() => checkSchema({ type: 'object', properties: { a: { tpye: 'string' } } }), refusedWith('invalid_schema'));
    assert.throws(() => checkSchema({ $ref: 'http://169.254.169.254/latest' }), refusedWith('invalid_schema'));
    assert.throws(
      () => checkSchema({ type: 'object', patternProperties: { '^(a+)+$': {} } }),
      refusedWith('invalid_schema', /exponential/),
    );
    assert.throws(() => checkSchema({ type: 'string', format: 'no-such-format' }), refusedWith('invalid_schema'));
    const huge = { type: 'object', description: 'x'.repeat(70_000) };
    assert.throws(() => checkSchema(huge), refusedWith('invalid_schema', /at most 65536 bytes/));
    checkSchema({ type: ['string', 'null'], format: 'date-time' });
  });

  it('checks formats, and tries a pattern only on strings up to the cap', () => {
    assert.equal(violationIn({ type: 'string', format: 'email' }, 'not an address')?.keyword, 'format');
    const schema = { type: 'string', pattern: '^a+$' };
    assert.equal(violationIn(schema, 'a'.repeat(PATTERN_INPUT_MAX_CHARS)), null);
    assert.equal(violationIn(schema, 'a'.repeat(PATTERN_INPUT_MAX_CHARS + 1))?.keyword, 'pattern');
    // Each schema gets its own patterns, however many were compiled before.
    assert.equal(violationIn({ type: 'string', pattern: '^b+$' }, 'a')?.keyword, 'pattern');
    assert.equal(violationIn({ type: 'string', pattern: '^b+$' }, 'bb'), null);
    assert.equal(violationIn({ type: 'object', patternProperties: { '^x-': { type: 'integer' } } }, { 'x-a': 'no' })?.path, '/x-a');
  });

  it('checks an example against its schema and its size', () => {
    checkExample({ type: 'object' }, { a: 1 });
    checkExample(null, 'anything');
    assert.throws(
      () => checkExample({ type: 'object', required: ['a'] }, {}),
      refusedWith('invalid_example', /at \/a: must have required property 'a'/),
    );
    assert.throws(() => checkExample(null, 'x'.repeat(70_000)), refusedWith('invalid_example'));
  });

  it('compiles once per version and accepts everything under a stored schema that does not compile', () => {
    const validators = new SchemaValidators();
    let loads = 0;
    const load = (schema: unknown) => () => {
      loads++;
      return schema;
    };
    const v1 = validators.get('a.b', 1, load({ type: 'integer' }));
    assert.equal(validators.get('a.b', 1, load({ type: 'string' })), v1);
    assert.equal(loads, 1);
    assert.ok(v1('"x"'));
    const v2 = validators.get('a.b', 2, load({ type: 'string' }));
    assert.equal(loads, 2);
    assert.equal(v2('"x"'), null);
    assert.equal(validators.cached('a.b', 1), undefined);
    const broken = validators.get('c.d', 1, load({ type: 'nonsense' }));
    assert.equal(broken('{"anything":true}'), null);
    assert.equal(new SchemaValidators().cached('a.b', 2), undefined, 'one cache per store');
  });
});

describe('import drafts', () => {
  const stored: EventType = {
    name: 'a.b',
    description: 'd',
    schema: { type: 'object', properties: { x: { type: 'string' } } },
    example: { x: 'y' },
    createdAt: 10,
    updatedAt: 20,
  };

  it('creates, updates what differs, keeps what is left out, and ignores the order of keys', () => {
    assert.deepEqual(applyDraft(null, { name: 'n.m' }, 30), {
      change: 'created',
      eventType: { name: 'n.m', description: '', schema: null, example: null, createdAt: 30, updatedAt: 30 },
    });
    assert.equal(applyDraft(stored, { name: 'a.b' }, 30).change, 'unchanged');
    assert.equal(
      applyDraft(stored, { name: 'a.b', schema: { properties: { x: { type: 'string' } }, type: 'object' } }, 30).change,
      'unchanged',
    );
    assert.deepEqual(applyDraft(stored, { name: 'a.b', example: null }, 30), {
      change: 'updated',
      eventType: { ...stored, example: null, updatedAt: 30 },
    });
    assert.equal(applyDraft(stored, { name: 'a.b', description: 'e' }, 5).eventType.updatedAt, 21, 'updatedAt always moves');
  });

  it('gives the example, or null', () => {
    assert.deepEqual(exampleData(stored), { x: 'y' });
    assert.equal(exampleData({ ...stored, example: null }), null);
    assert.equal(exampleData(null), null);
  });
});
