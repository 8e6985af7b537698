// Subscription filters (src/fanout/filter.ts over src/domain/cel.ts): seed 004's expressions as
// written, the variables an event gives, JSON numbers against int and double literals, failures on
// an event (missing keys, wrong types, results that are not bools) that do not match and say why,
// refusals when saved with their index and position, and the regular expression policy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CelInput, celVariables, EVALUATION_BUDGET_MS, EXPRESSION_MAX_CHARS, REGEX_INPUT_MAX_CHARS } from '../../src/domain/cel.js';
import {
  type CompiledFilter,
  compileFilters,
  evaluateFilters,
  type FilterError,
  isFilterErrors,
  MAX_FILTER_EXPRESSIONS,
} from '../../src/fanout/filter.js';

const EVENT = {
  id: 'evt_2CnZ0b7KQx1yE4mVt9sR3wLpHaD',
  type: 'sales_order.created',
  timestamp: Date.parse('2026-03-01T12:00:00.000Z'),
  subscriberId: null,
  channels: ['eu'],
  description: 'A sales order was created',
};
const on = (data: unknown): CelInput => ({ event: EVENT, data });

function compiled(...expressions: string[]): CompiledFilter {
  const f = compileFilters(expressions);
  if (isFilterErrors(f)) assert.fail(`refused: ${JSON.stringify(f)}`);
  return f;
}
function refused(...expressions: string[]): FilterError[] {
  const f = compileFilters(expressions);
  if (!isFilterErrors(f)) assert.fail(`accepted: ${expressions.join(' ; ')}`);
  return f;
}
/** Does `expression` alone hold on `data`? */
const holds = (expression: string, data: unknown) => evaluateFilters(compiled(expression), on(data)).matches;

describe('filters: seed 004', () => {
  const seed = compiled('order.total > 100', 'order.status != "draft"');

  it('match an order over 100 that is not a draft', () => {
    const r = evaluateFilters(seed, on({ order: { id: 'SO-1', total: 150.5, status: 'confirmed' } }));
    assert.equal(r.matches, true);
    assert.deepEqual(r.results, [
      { expression: 'order.total > 100', result: true },
      { expression: 'order.status != "draft"', result: true },
    ]);
  });

  it('do not match a draft, nor an order of 100 or less, and say which expression failed', () => {
    const draft = evaluateFilters(seed, on({ order: { total: 500, status: 'draft' } }));
    assert.equal(draft.matches, false);
    assert.deepEqual(
      draft.results.map((r) => r.result),
      [true, false],
    );
    const small = evaluateFilters(seed, on({ order: { total: 100, status: 'confirmed' } }));
    assert.equal(small.matches, false);
    assert.deepEqual(
      small.results.map((r) => r.result),
      [false, true],
    );
  });

  it('an empty list matches every event', () => {
    assert.deepEqual(evaluateFilters(compiled(), on({})), { matches: true, results: [] });
  });
});

describe('filters: variables', () => {
  it('data is the whole data, and its keys are variables too', () => {
    assert.equal(holds('data.qty == 3 && qty == 3', { qty: 3 }), true);
    assert.equal(holds('data.order.total > 100', { order: { total: 101 } }), true);
  });

  it('keys that are not identifiers are reachable through data[...]', () => {
    assert.equal(holds('data["my-key"] == "x"', { 'my-key': 'x' }), true);
  });

  it('event holds id, type, timestamp (a CEL timestamp), subscriberId, channels and description', () => {
    assert.equal(holds(`event.id == "${EVENT.id}" && event.type == "sales_order.created"`, {}), true);
    assert.equal(holds('event.type.startsWith("sales_order.")', {}), true);
    assert.equal(holds('event.timestamp > timestamp("2026-02-28T00:00:00Z")', {}), true);
    assert.equal(holds('event.timestamp > timestamp("2026-03-02T00:00:00Z")', {}), false);
    assert.equal(holds('event.timestamp.getHours() == 12', {}), true);
    assert.equal(holds('"eu" in event.channels && event.subscriberId == null', {}), true);
    assert.equal(holds('event.description == "A sales order was created"', {}), true);
  });

  it('an event without channels has an empty list, and an ISO timestamp is read as one', () => {
    const r = evaluateFilters(compiled('size(event.channels) == 0', 'event.timestamp == timestamp("2026-03-01T12:00:00Z")'), {
      event: { ...EVENT, channels: null, timestamp: '2026-03-01T12:00:00.000Z' },
      data: {},
    });
    assert.equal(r.matches, true, JSON.stringify(r.results));
  });

  it('event and data are Herald’s: data keys of those names are shadowed, and reachable under data', () => {
    const data = { event: { type: 'forged' }, data: { qty: 1 } };
    assert.equal(holds('event.type == "sales_order.created"', data), true);
    assert.equal(holds('data.event.type == "forged" && data.data.qty == 1', data), true);
  });

  it('data that is not an object is still data', () => {
    assert.equal(holds('data[1] == "b"', ['a', 'b']), true);
    assert.equal(holds('data == "text"', 'text'), true);
  });

  it('names from Object.prototype are no variables', () => {
    const r = evaluateFilters(compiled('constructor == null'), on({}));
    assert.equal(r.matches, false);
    assert.match(r.results[0]!.error!, /Unknown variable: constructor/);
  });

  it('variables built once serve many evaluations', () => {
    const variables = celVariables(on({ order: { total: 150, status: 'paid' } }));
    assert.equal(evaluateFilters(compiled('order.total > 100'), variables).matches, true);
    assert.equal(evaluateFilters(compiled('order.status == "paid"'), variables).matches, true);
  });
});

describe('filters: numbers as users expect', () => {
  it('a JSON number equals an int literal whether written 3 or 3.0', () => {
    assert.equal(holds('data.qty == 3', JSON.parse('{"qty": 3}')), true);
    assert.equal(holds('data.qty == 3', JSON.parse('{"qty": 3.0}')), true);
    assert.equal(holds('data.qty == 3.0', { qty: 3 }), true);
    assert.equal(holds('data.qty == 4', { qty: 3 }), false);
    assert.equal(holds('data.qty != 3', { qty: 3 }), false);
  });

  it('fractions compare with int and double literals', () => {
    assert.equal(holds('order.total > 100', { order: { total: 150.5 } }), true);
    assert.equal(holds('order.total > 100', { order: { total: 99.99 } }), false);
    assert.equal(holds('order.total >= 150.5 && order.total < 151', { order: { total: 150.5 } }), true);
    assert.equal(holds('data.price == 19.99', { price: 19.99 }), true);
  });

  it('mixed int and double arithmetic works', () => {
    assert.equal(holds('data.qty + 1 == 4', { qty: 3 }), true);
    assert.equal(holds('order.total * 2 > 300', { order: { total: 150.5 } }), true);
    assert.equal(holds('10 - data.qty == 7', { qty: 3 }), true);
    assert.equal(holds('7 == 10 * data.qty - 23', { qty: 3 }), true); // int op double is a double, never taken for an int
    assert.equal(holds('10 - data.qty == 7.0 && 1 + 1.5 == 2.5', { qty: 3 }), true);
    assert.equal(holds('data.qty / 2 == 1.5', { qty: 3 }), true);
    assert.equal(holds('data.items.map(i, i.qty * 2) == [4, 6]', { items: [{ qty: 2 }, { qty: 3 }] }), true);
  });

  it('ints from CEL (size, int()) compare with JSON numbers', () => {
    assert.equal(holds('size(data.items) == data.count', { items: [1, 2], count: 2 }), true);
    assert.equal(holds('int(data.qty) % 2 == 1', { qty: 3 }), true);
    assert.equal(holds('data.qty in [1, 2, 3]', { qty: 3 }), true);
  });
});

describe('filters: failures on an event do not match and say why', () => {
  it('a missing key', () => {
    const r = evaluateFilters(compiled('order.total > 100', 'order.status != "draft"'), on({ order: { total: 150 } }));
    assert.equal(r.matches, false);
    assert.deepEqual(r.results[0], { expression: 'order.total > 100', result: true });
    assert.equal(r.results[1]!.result, null);
    assert.match(r.results[1]!.error!, /No such key: status/);
    assert.equal(r.results[1]!.code, 'no_such_key');
  });

  it('a missing top-level variable', () => {
    const r = evaluateFilters(compiled('order.total > 100'), on({ customer: {} }));
    assert.equal(r.matches, false);
    assert.match(r.results[0]!.error!, /Unknown variable: order/);
    assert.equal(r.results[0]!.code, 'unknown_variable');
  });

  it('has() tests for a key without failing', () => {
    assert.equal(holds('has(order.status) && order.status != "draft"', { order: {} }), false);
    const r = evaluateFilters(compiled('!has(order.status) || order.status != "draft"'), on({ order: {} }));
    assert.deepEqual(r, { matches: true, results: [{ expression: '!has(order.status) || order.status != "draft"', result: true }] });
  });

  it('a wrong type', () => {
    const r = evaluateFilters(compiled('order.total > 100'), on({ order: { total: '150' } }));
    assert.equal(r.matches, false);
    assert.equal(r.results[0]!.result, null);
    assert.ok(r.results[0]!.error, 'an error');
    assert.equal(r.results[0]!.code, 'no_such_overload');
  });

  it('a result that is not a bool', () => {
    for (const [expression, kind] of [
      ['order.total', 'a double'],
      ['order.status', 'a string'],
      ['size(order.items)', 'an int'],
      ['order.items', 'a list'],
      ['order', 'a map'],
      ['order.note', 'null'],
    ] as const) {
      const r = evaluateFilters(compiled(expression), on({ order: { total: 1, status: 's', items: [], note: null } }));
      assert.equal(r.matches, false, expression);
      assert.deepEqual(r.results[0], { expression, result: null, error: `the result is ${kind}, not a bool`, code: 'not_a_bool' });
    }
  });

  it('one failure does not hide the next', () => {
    const r = evaluateFilters(compiled('a.b', 'c.d', 'true'), on({}));
    assert.deepEqual(
      r.results.map((x) => x.result),
      [null, null, true],
    );
    assert.equal(r.matches, false);
  });
});

describe('filters: refused when saved', () => {
  it('a syntax error names the expression, its index and the position', () => {
    const [e, ...rest] = refused('order.total > 100', 'order.status !=');
    assert.equal(rest.length, 0);
    assert.equal(e!.index, 1);
    assert.equal(e!.expression, 'order.status !=');
    assert.match(e!.message, /Unexpected token: EOF/);
    assert.deepEqual(e!.position, { offset: 15, line: 1, column: 16 });
  });

  it('positions count lines and columns', () => {
    const [e] = refused('order.total > 100 &&\n  order.status == = "x"');
    assert.deepEqual(e!.position, { offset: 39, line: 2, column: 19 });
    assert.equal(e!.index, 0);
  });

  it('every refused expression is listed', () => {
    assert.deepEqual(
      refused('(', 'ok == 1', ')').map((e) => e.index),
      [0, 2],
    );
  });

  it('a type error found without data', () => {
    const [e] = refused('order.total > 100 && 1 + "a" == "1a"');
    assert.equal(e!.code, 'no_such_overload');
    assert.deepEqual(e!.position, { offset: 21, line: 1, column: 22 });
  });

  it('an empty expression, one too long, too many expressions', () => {
    assert.equal(refused('  ')[0]!.code, 'empty');
    const long = `data.x == "${'a'.repeat(EXPRESSION_MAX_CHARS)}"`;
    assert.equal(refused(long)[0]!.code, 'too_long');
    assert.equal(isFilterErrors(compileFilters(['true'.padEnd(EXPRESSION_MAX_CHARS, ' ')])), false);
    const many = refused(...Array.from({ length: MAX_FILTER_EXPRESSIONS + 1 }, () => 'true'));
    assert.deepEqual(
      many.map((e) => [e.index, e.code]),
      [[-1, 'too_many']],
    );
    assert.equal(isFilterErrors(compileFilters(Array.from({ length: MAX_FILTER_EXPRESSIONS }, () => 'true'))), false);
  });

  it('cel.bind, and comprehensions nested three deep or more than three in all', () => {
    assert.equal(refused('cel.bind(x, data.l, x == x)')[0]!.code, 'unsupported_function');
    assert.equal(refused('l.exists(a, l.exists(b, l.exists(c, a == c)))')[0]!.code, 'too_complex');
    assert.equal(refused('l.all(a, a > 0) && l.all(a, a > 0) && l.all(a, a > 0) && l.all(a, a > 0)')[0]!.code, 'too_complex');
    assert.equal(holds('data.orders.exists(o, o.items.exists(i, i.sku == "X"))', { orders: [{ items: [{ sku: 'X' }] }] }), true);
  });
});

describe('filters: comprehensions under the time budget', () => {
  it('give the same answers as written', () => {
    const data = { l: [1, 2, 3], m: { a: 1, b: 2 } };
    assert.equal(holds('l.exists(x, x == 2) && !l.exists(x, x == 9)', data), true);
    assert.equal(holds('l.all(x, x > 0) && !l.all(x, x > 1)', data), true);
    assert.equal(holds('l.exists_one(x, x > 2) && !l.exists_one(x, x > 1)', data), true);
    assert.equal(holds('l.map(x, x > 1, x * 10) == [20, 30]', data), true);
    assert.equal(holds('(l + [4]).filter(x, x > 2) == [3, 4]', data), true);
    assert.equal(holds('m.all(k, k in ["a", "b"]) && m.exists(k, m[k] == 2)', data), true);
    assert.equal(holds('l.exists(x, l.filter(y, y > x).size() == 2)', data), true);
  });

  it('a walk that runs over the budget is stopped and fails with its own code', () => {
    const list = (length: number) => Array.from({ length }, (_, i) => i);
    for (const [expression, l] of [
      ['l.exists(a, l.exists(b, a == b + 1000000))', list(3_000)], // 9 million steps
      ['l.all(a, l.all(b, a != b + 1000000))', list(3_000)],
      // `in` is no comprehension: each outer step scans the list; 100 million comparisons would
      // take seconds (3,000 elements, 9 million, can finish within the budget on a fast machine)
      ['l.exists(a, a in l && a < 0)', list(10_000)],
    ] as const) {
      const r = evaluateFilters(compiled(expression), on({ l }));
      assert.equal(r.matches, false, expression);
      assert.equal(r.results[0]!.code, 'evaluation_too_long', expression);
      assert.match(r.results[0]!.error!, new RegExp(`over ${EVALUATION_BUDGET_MS} ms`));
    }
  });

  it('the budget is per evaluation: the next one starts afresh', () => {
    const l = Array.from({ length: 3_000 }, (_, i) => i);
    const f = compiled('l.exists(a, l.exists(b, a == b + 1000000))', 'l.exists(x, x == 2)');
    const r = evaluateFilters(f, on({ l }));
    assert.deepEqual(
      r.results.map((x) => x.code ?? x.result),
      ['evaluation_too_long', true],
    );
  });
});

describe('filters: regular expressions', () => {
  it('a literal pattern runs, both as a method and as a function', () => {
    assert.equal(holds('order.id.matches("^SO-[0-9]+$")', { order: { id: 'SO-42' } }), true);
    assert.equal(holds('order.id.matches("^SO-[0-9]+$")', { order: { id: 'PO-42' } }), false);
    assert.equal(holds('matches(order.id, "^SO-")', { order: { id: 'SO-42' } }), true);
    assert.equal(holds('order.id . matches ( "42" )', { order: { id: 'SO-42' } }), true);
    assert.equal(holds('(order.id + "x").matches("2x$") && ( (order.id) ).matches("^SO")', { order: { id: 'SO-42' } }), true);
    assert.equal(holds('order.lines.exists(l, l.matches("^gift"))', { order: { lines: ['paper', 'gift wrap'] } }), true);
  });

  it('a catastrophic pattern is refused when saved, at the pattern', () => {
    for (const expression of ['data.s.matches("(a+)+$")', 'matches(data.s, "(a+)+$")', 'data.s.matches("^(a|aa)*b(x+)*$")']) {
      const [e] = refused(expression);
      assert.equal(e!.code, 'unsafe_regex', expression);
    }
    assert.deepEqual(refused('data.s.matches("(a+)+$")')[0]!.position, { offset: 15, line: 1, column: 16 });
  });

  it('a pattern that is not a literal is refused: it could not be checked', () => {
    assert.equal(refused('data.s.matches(data.pattern)')[0]!.code, 'regex_not_literal');
    assert.equal(refused('data.s.matches("^" + data.prefix)')[0]!.code, 'regex_not_literal');
    assert.equal(refused('matches(data.s, data.pattern)')[0]!.code, 'regex_not_literal');
  });

  it('an invalid pattern is refused when saved', () => {
    assert.equal(refused('data.s.matches("[")')[0]!.code, 'invalid_regex');
  });

  it('the internal names cannot be used directly', () => {
    for (const expression of ['data.s.herald_matches("(a+)+$")', 'herald_go()', 'herald_iterable(data.l).size() > 0', 'herald_x == 1']) {
      assert.equal(refused(expression)[0]!.code, 'reserved_name', expression);
    }
  });

  it('an input longer than the cap is an error on that event, not a long match', () => {
    const f = compiled('data.s.matches("^a+$")');
    assert.equal(evaluateFilters(f, on({ s: 'a'.repeat(REGEX_INPUT_MAX_CHARS) })).matches, true);
    const r = evaluateFilters(f, on({ s: 'a'.repeat(REGEX_INPUT_MAX_CHARS + 1) }));
    assert.equal(r.matches, false);
    assert.match(r.results[0]!.error!, /more than 10000/);
    assert.equal(r.results[0]!.code, 'regex_input_too_long');
  });

  it('a string that merely says matches( is not rewritten', () => {
    assert.equal(holds('data.s == ".matches(\\"x\\")" && data.s.matches("x")', { s: '.matches("x")' }), true);
  });
});
