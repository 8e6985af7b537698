// Payload templates (src/delivery/formats/template-engine.ts): seed 004's payloads as written, a
// single hole keeping its value's JSON type, interpolation as text, refusals when saved naming the
// JSON path and the position, and render failures naming the path.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FormatError } from '../../src/delivery/formats/format.js';
import {
  type CompiledTemplate,
  compileTemplate,
  isTemplateErrors,
  renderTemplate,
  TEMPLATE_MAX_BYTES,
  TEMPLATE_MAX_HOLES,
  type TemplateError,
  TemplateRenderError,
} from '../../src/delivery/formats/template-engine.js';
import type { CelInput } from '../../src/domain/cel.js';

const EVENT = {
  id: 'evt_2CnZ0b7KQx1yE4mVt9sR3wLpHaD',
  type: 'sales_order.created',
  timestamp: Date.parse('2026-03-01T12:00:00.000Z'),
  subscriberId: null,
  channels: null,
};
const on = (data: unknown): CelInput => ({ event: EVENT, data });

function compiled(doc: unknown): CompiledTemplate {
  const t = compileTemplate(doc);
  if (isTemplateErrors(t)) assert.fail(`refused: ${JSON.stringify(t)}`);
  return t;
}
function refused(doc: unknown): TemplateError[] {
  const t = compileTemplate(doc);
  if (!isTemplateErrors(t)) assert.fail(`accepted: ${JSON.stringify(doc)}`);
  return t;
}
/** The body `doc` renders on `data`, parsed back. */
const render = (doc: unknown, data: unknown): unknown => JSON.parse(renderTemplate(compiled(doc), on(data)));

const ORDER = {
  order: {
    id: 'SO-1001',
    customer_id: 'CUS-7',
    total: 150.5,
    status: 'confirmed',
    items: [
      { sku: 'A-1', qty: 2, price: 50 },
      { sku: 'B-2', qty: 1, price: 50.5 },
    ],
  },
};

describe('templates: seed 004', () => {
  it('the e-commerce order payload works as written, types kept', () => {
    const payload = {
      order_id: '{{ order.id }}',
      customer_id: '{{ order.customer_id }}',
      total_amount: '{{ order.total }}',
      status: '{{ order.status }}',
      items: '{{ order.items }}',
      timestamp: '{{ event.timestamp }}',
    };
    assert.deepEqual(render(payload, ORDER), {
      order_id: 'SO-1001',
      customer_id: 'CUS-7',
      total_amount: 150.5,
      status: 'confirmed',
      items: ORDER.order.items,
      timestamp: '2026-03-01T12:00:00.000Z',
    });
  });

  it('the CRM customer payload works as written, an object staying an object', () => {
    const payload = {
      customer_id: '{{ customer.id }}',
      name: '{{ customer.name }}',
      email: '{{ customer.email }}',
      phone: '{{ customer.phone }}',
      address: '{{ customer.address }}',
      created_date: '{{ customer.created_date }}',
    };
    const customer = {
      id: 'CUS-7',
      name: 'Ana Lim',
      email: 'ana@example.com',
      phone: null,
      address: { line1: '1 Jalan Ampang', city: 'Kuala Lumpur' },
      created_date: '2026-02-01',
    };
    assert.deepEqual(render(payload, { customer }), {
      customer_id: 'CUS-7',
      name: 'Ana Lim',
      email: 'ana@example.com',
      phone: null,
      address: { line1: '1 Jalan Ampang', city: 'Kuala Lumpur' },
      created_date: '2026-02-01',
    });
  });
});

describe('templates: a single hole keeps the JSON type', () => {
  it('numbers, bools, null, lists, maps; whitespace around the hole allowed', () => {
    const data = { n: 3, f: 2.5, b: false, z: null, l: [1, 'two', null], m: { k: [true] } };
    assert.deepEqual(
      render({ n: '{{n}}', f: '  {{ f }}  ', b: '{{ b }}', z: '{{ z }}', l: '{{ l }}', m: '{{ m }}', d: '{{ data }}' }, data),
      { ...data, d: data },
    );
  });

  it('values CEL computes become JSON: ints, lists, maps, timestamps', () => {
    assert.deepEqual(
      render(
        {
          count: '{{ size(order.items) }}',
          skus: '{{ order.items.map(i, i.sku) }}',
          big: '{{ order.items.filter(i, i.price > 50) }}',
          summary: '{{ {"id": order.id, "n": size(order.items)} }}',
          doubled: '{{ order.total * 2 }}',
          when: '{{ event.timestamp }}',
          over: '{{ order.total > 100 }}',
        },
        ORDER,
      ),
      {
        count: 2,
        skus: ['A-1', 'B-2'],
        big: [ORDER.order.items[1]],
        summary: { id: 'SO-1001', n: 2 },
        doubled: 301,
        when: '2026-03-01T12:00:00.000Z',
        over: true,
      },
    );
  });

  it('the document can be any JSON value, holes inside arrays included', () => {
    assert.deepEqual(render('{{ order.total }}', ORDER), 150.5);
    assert.deepEqual(render(['{{ order.id }}', 1, null, ['{{ order.items[0].qty }}']], ORDER), ['SO-1001', 1, null, [2]]);
    assert.deepEqual(render({ fixed: { a: 1, b: [true, 'x'] } }, ORDER), { fixed: { a: 1, b: [true, 'x'] } });
  });

  it('a __proto__ key in the data or the template stays a key', () => {
    const data = JSON.parse('{"x": {"__proto__": {"polluted": true}, "k": 1}}');
    assert.equal(renderTemplate(compiled({ x: '{{ x }}' }), on(data)), '{"x":{"__proto__":{"polluted":true},"k":1}}');
    assert.equal(renderTemplate(compiled(JSON.parse('{"__proto__": "{{ x.k }}"}')), on(data)), '{"__proto__":1}');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
});

describe('templates: interpolation', () => {
  it('strings as they are, numbers and bools as JSON text, lists and maps as compact JSON, null as null', () => {
    assert.deepEqual(
      render(
        {
          text: 'Order {{ order.id }} of {{ order.total }} ({{ order.status }}), paid: {{ paid }}',
          items: 'items: {{ order.items.map(i, i.sku) }}',
          obj: '<{{ order.items[0] }}>',
          nothing: 'note: {{ note }}',
          ints: '{{ size(order.items) }} items',
          at: 'at {{ event.timestamp }}',
        },
        { ...ORDER, paid: true, note: null },
      ),
      {
        text: 'Order SO-1001 of 150.5 (confirmed), paid: true',
        items: 'items: ["A-1","B-2"]',
        obj: '<{"sku":"A-1","qty":2,"price":50}>',
        nothing: 'note: null',
        ints: '2 items',
        at: 'at 2026-03-01T12:00:00.000Z',
      },
    );
  });

  it('two holes side by side, a hole with text on one side, strings without holes untouched', () => {
    assert.deepEqual(render({ a: '{{ order.id }}{{ order.status }}', b: '#{{ order.id }}', c: 'plain { text }' }, ORDER), {
      a: 'SO-1001confirmed',
      b: '#SO-1001',
      c: 'plain { text }',
    });
  });

  it('json() and truncate() are available', () => {
    assert.deepEqual(render({ j: '{{ json(order.items[0]) }}', t: '{{ truncate(order.id, 4) }}', s: '{{ truncate("abc", 5) }}' }, ORDER), {
      j: '{"sku":"A-1","qty":2,"price":50}',
      t: 'SO-…',
      s: 'abc',
    });
  });
});

describe('templates: refused when saved', () => {
  it('a syntax error names the JSON path, the expression and the position in it', () => {
    const errors = refused({ blocks: [{ text: 'ok {{ event.type }}' }, { text: 'Order {{ order.id + }}' }] });
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.path, '$.blocks[1].text');
    assert.equal(errors[0]!.expression, 'order.id +');
    assert.deepEqual(errors[0]!.position, { offset: 10, line: 1, column: 11 });
  });

  it('keys that are not identifiers are quoted in the path; every error is listed', () => {
    const errors = refused({ 'my-key': ['{{ ( }}'], ok: '{{ 1 }}', bad: '{{ x.matches("(a+)+$") }}' });
    assert.deepEqual(
      errors.map((e) => [e.path, e.code]),
      [
        ['$["my-key"][0]', 'unexpected_token'],
        ['$.bad', 'unsafe_regex'],
      ],
    );
  });

  it('an unclosed hole, a templated key, an empty hole', () => {
    assert.deepEqual(
      refused({ a: 'x {{ order.id' }).map((e) => [e.path, e.code, e.position.offset]),
      [['$.a', 'unclosed_hole', 2]],
    );
    assert.equal(refused({ '{{ order.id }}': 1 })[0]!.code, 'templated_key');
    assert.equal(refused({ a: '{{ }}' })[0]!.code, 'empty');
  });

  it('a document too large, too many holes', () => {
    assert.equal(refused({ a: 'x'.repeat(TEMPLATE_MAX_BYTES) })[0]!.code, 'too_large');
    assert.ok(!isTemplateErrors(compileTemplate({ a: 'x'.repeat(TEMPLATE_MAX_BYTES - 20) })));
    const many = Array.from({ length: TEMPLATE_MAX_HOLES + 1 }, (_, i) => `{{ ${i} }}`);
    assert.equal(refused(many)[0]!.code, 'too_many_holes');
    assert.ok(!isTemplateErrors(compileTemplate(many.slice(1))));
  });

  it('what is not JSON', () => {
    assert.equal(refused({ a: undefined })[0]!.code, 'not_json');
    assert.equal(refused({ a: 1n })[0]!.code, 'not_json');
  });
});

describe('templates: failures on an event', () => {
  it('a missing key throws a TemplateRenderError (a FormatError) naming the path and the expression', () => {
    const t = compiled({ meta: { at: '{{ event.timestamp }}' }, lines: ['{{ order.id }}', 'status {{ order.status }}'] });
    assert.throws(
      () => renderTemplate(t, on({ order: { id: 'SO-1' } })),
      (err: unknown) => {
        assert.ok(err instanceof TemplateRenderError);
        assert.ok(err instanceof FormatError);
        assert.equal(err.path, '$.lines[1]');
        assert.equal(err.expression, 'order.status');
        assert.match(err.reason, /No such key: status/);
        assert.match(err.message, /^template \$\.lines\[1\]: \{\{ order\.status \}\}: No such key: status/);
        return true;
      },
    );
  });

  it('a value JSON cannot hold', () => {
    assert.throws(
      () => renderTemplate(compiled({ r: '{{ order.total / 0 }}' }), on(ORDER)),
      (err: unknown) => err instanceof TemplateRenderError && err.path === '$.r' && /Infinity is not a JSON number/.test(err.reason),
    );
  });

  it('has() and the conditional give a default instead of a failure', () => {
    assert.deepEqual(render({ s: '{{ has(order.status) ? order.status : "unknown" }}' }, { order: {} }), { s: 'unknown' });
  });
});
