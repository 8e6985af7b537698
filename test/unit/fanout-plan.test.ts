// The ingest decision as a pure function (src/fanout/plan.ts): both stores call it, so its rules are
// tested once here and, through the stores, in the contract suite.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HeraldEvent, Subscription } from '../../src/domain/glossary.js';
import { initialHealth } from '../../src/domain/health.js';
import { newId } from '../../src/domain/ids.js';
import { type IngestFacts, idempotencyScope, planIngest } from '../../src/fanout/plan.js';
import { compiledFilter } from '../../src/fanout/subscription-filter.js';
import { subscriptionFixture } from '../helpers/fixtures.js';

const T0 = 1_700_000_000_000;

const subscription = (over: Partial<Subscription> = {}): Subscription =>
  subscriptionFixture({
    id: newId('sub', T0),
    subscriberId: 'sbr_A',
    url: 'https://example.com/hook',
    secret: 'whsec_x',
    createdAt: T0,
    ...over,
  });

const event = (over: Partial<HeraldEvent> = {}): HeraldEvent => ({
  id: newId('evt', T0),
  type: 'order.created',
  dataJson: '{}',
  idempotencyKey: null,
  subscriberId: null,
  channels: null,
  createdAt: T0,
  ...over,
});

const facts = (over: Partial<IngestFacts> = {}): IngestFacts => ({
  prior: new Map(),
  knownTypes: new Set(['order.created', 'invoice.paid']),
  knownSubscribers: new Set(['sbr_A', 'sbr_B']),
  candidates: [],
  ...over,
});

describe('fan-out plan', () => {
  it('matches patterns, subscriber scope and channels; messages in subscription id order', () => {
    const orders = subscription({ id: 'sub_2', eventTypes: ['order.*'] });
    const everything = subscription({ id: 'sub_1' });
    const invoices = subscription({ id: 'sub_3', eventTypes: ['invoice.paid'] });
    const otherSubscriber = subscription({ id: 'sub_4', subscriberId: 'sbr_B' });
    const eu = subscription({ id: 'sub_5', channels: ['eu'] });
    const candidates = [orders, everything, invoices, otherSubscriber, eu];
    const broadcast = event();
    const scoped = event({ subscriberId: 'sbr_A', channels: ['eu'] });
    const plan = planIngest(
      [
        { event: broadcast, requestHash: null },
        { event: scoped, requestHash: null },
      ],
      facts({ candidates }),
    );
    assert.deepEqual(
      plan.messages.filter((m) => m.event === broadcast).map((m) => m.subscription.id),
      ['sub_1', 'sub_2', 'sub_4'],
    );
    assert.deepEqual(
      plan.messages.filter((m) => m.event === scoped).map((m) => m.subscription.id),
      ['sub_1', 'sub_2', 'sub_5'],
    );
    assert.deepEqual(plan.results, [
      { status: 'created', event: broadcast, messages: 3 },
      { status: 'created', event: scoped, messages: 3 },
    ]);
    assert.deepEqual(
      plan.events.map((e) => e.messages),
      [3, 3],
    );
  });

  it('refuses unknown types and subscribers, writing nothing for them', () => {
    const plan = planIngest(
      [
        { event: event({ type: 'nope.x' }), requestHash: null },
        { event: event({ subscriberId: 'sbr_Z' }), requestHash: null },
      ],
      facts({ candidates: [subscription()] }),
    );
    assert.deepEqual(
      plan.results.map((r) => r.status),
      ['unknown_event_type', 'unknown_subscriber'],
    );
    assert.deepEqual([plan.events.length, plan.messages.length], [0, 0]);
  });

  it('replays a stored key with its original count, conflicts on another hash, and applies within the batch', () => {
    const stored = event({ idempotencyKey: 'k1' });
    const prior = new Map([[idempotencyScope(null, 'k1'), { event: stored, requestHash: 'h', messages: 4 }]]);
    const first = event({ idempotencyKey: 'k2' });
    const plan = planIngest(
      [
        { event: event({ idempotencyKey: 'k1' }), requestHash: 'h' },
        { event: event({ idempotencyKey: 'k1' }), requestHash: 'other' },
        { event: first, requestHash: 'h2' },
        { event: event({ idempotencyKey: 'k2' }), requestHash: 'h2' },
        { event: event({ idempotencyKey: 'k2', subscriberId: 'sbr_A' }), requestHash: 'h2' },
      ],
      facts({ prior, candidates: [subscription()] }),
    );
    assert.deepEqual(plan.results.slice(0, 4), [
      { status: 'replayed', event: stored, messages: 4 },
      { status: 'idempotency_conflict' },
      { status: 'created', event: first, messages: 1 },
      { status: 'replayed', event: first, messages: 1 },
    ]);
    assert.equal(plan.results[4]?.status, 'created', 'keys are scoped by subscriber');
    assert.equal(plan.events.length, 2);
  });

  it('leases the first lease.limit messages, due when the lease ends; the rest due at the event time', () => {
    const subs = [subscription({ id: 'sub_1', timeoutSeconds: 7 }), subscription({ id: 'sub_2' })];
    const plan = planIngest(
      [
        { event: event(), requestHash: null },
        { event: event(), requestHash: null },
      ],
      facts({ candidates: subs }),
      { limit: 3, leaseMarginMs: 1_000 },
    );
    assert.deepEqual(
      plan.messages.map((m) => [m.subscription.id, m.leased, m.nextAttemptAt - T0]),
      [
        ['sub_1', true, 8_000],
        ['sub_2', true, 31_000],
        ['sub_1', true, 8_000],
        ['sub_2', false, 0],
      ],
    );
  });

  it('holds back a message of a subscription whose breaker is open, due when it lets messages out, never leased', () => {
    const open = (breaker: 'open' | 'half_open', until: number) =>
      ({ ...initialHealth(true, 0), status: 'failing', reason: 'breaker_open', breaker, breakerUntil: until, breakerOpenedAt: 0 }) as const;
    const subs = [
      subscription({ id: 'sub_1', health: open('open', T0 + 30_000) }),
      subscription({ id: 'sub_2', health: open('half_open', T0 + 45_000) }),
      subscription({ id: 'sub_3', health: open('open', T0) }), // its cool-down is over: the message may be the probe
      subscription({ id: 'sub_4' }),
    ];
    const plan = planIngest([{ event: event(), requestHash: null }], facts({ candidates: subs }), { limit: 10, leaseMarginMs: 1_000 });
    assert.deepEqual(
      plan.messages.map((m) => [m.subscription.id, m.leased, m.nextAttemptAt - T0]),
      [
        ['sub_1', false, 30_000],
        ['sub_2', false, 45_000],
        ['sub_3', true, 31_000],
        ['sub_4', true, 31_000],
      ],
    );
  });

  describe('filters', () => {
    const seedFilter = ['order.total > 100', 'order.status != "draft"'];
    const order = (o: Record<string, unknown>) => event({ id: newId('evt', T0), dataJson: JSON.stringify({ order: o }) });

    it("creates a message only for subscriptions whose expressions all hold, with the event's facts as `event`", () => {
      const plain = subscription({ id: 'sub_1' });
      const big = subscription({ id: 'sub_2', filter: seedFilter });
      const scoped = subscription({
        id: 'sub_3',
        filter: ['event.type == "order.created" && event.subscriberId == null', '"eu" in event.channels'],
      });
      const empty = subscription({ id: 'sub_4', filter: [] });
      const events = [
        order({ total: 150.5, status: 'open' }),
        order({ total: 100, status: 'open' }),
        order({ total: 250, status: 'draft' }),
        event({ id: newId('evt', T0), dataJson: JSON.stringify({ order: { total: 101, status: 'x' } }), channels: ['eu'] }),
      ];
      const plan = planIngest(
        events.map((e) => ({ event: e, requestHash: null })),
        facts({ candidates: [plain, big, scoped, empty] }),
      );
      assert.deepEqual(
        events.map((e) => plan.messages.filter((m) => m.event === e).map((m) => m.subscription.id)),
        [
          ['sub_1', 'sub_2', 'sub_4'],
          ['sub_1', 'sub_4'],
          ['sub_1', 'sub_4'],
          ['sub_1', 'sub_2', 'sub_3', 'sub_4'],
        ],
      );
      assert.deepEqual(
        plan.results.map((r) => (r.status === 'created' ? r.messages : -1)),
        [3, 2, 2, 4],
      );
      assert.ok(
        plan.results.every((r) => r.status === 'created' && r.filterErrors === undefined),
        'nothing failed',
      );
    });

    it('an expression that fails on the event does not hold, and is reported with its subscription, index and code', () => {
      const big = subscription({ id: 'sub_2', filter: seedFilter });
      const qty = subscription({ id: 'sub_3', filter: ['data.qty == 3'] });
      const e = event({ dataJson: JSON.stringify({ payment: { amount: 5 }, qty: 3.0 }) });
      const plan = planIngest([{ event: e, requestHash: null }], facts({ candidates: [big, qty] }));
      assert.deepEqual(
        plan.messages.map((m) => m.subscription.id),
        ['sub_3'],
        'JSON 3.0 equals CEL 3',
      );
      const result = plan.results[0]!;
      assert.equal(result.status, 'created');
      if (result.status !== 'created') return;
      assert.deepEqual(
        result.filterErrors?.map((f) => [f.subscriptionId, f.index, f.expression]),
        [
          ['sub_2', 0, seedFilter[0]],
          ['sub_2', 1, seedFilter[1]],
        ],
      );
      for (const f of result.filterErrors ?? []) assert.ok(f.code.length > 0 && f.message.length > 0);
    });

    it('compiles an expression list once, whichever subscription object carries it', () => {
      const a = compiledFilter(['order.total > 100', 'order.status != "draft"']);
      const b = compiledFilter(['order.total > 100', 'order.status != "draft"']);
      assert.equal(a, b);
      assert.notEqual(compiledFilter(['order.total > 101']), a);
    });
  });
});
