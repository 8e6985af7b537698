// Micro benchmark of the CEL engines (src/fanout/filter.ts, src/delivery/formats/template-engine.ts)
// on seed 004's filters and payload: operations per second, one JSON line per case.
// Usage: node --import tsx bench/expressions.ts [seconds per case, default 1]

import { compileTemplate, isTemplateErrors, renderTemplate } from '../src/delivery/formats/template-engine.js';
import { type CelInput, celVariables } from '../src/domain/cel.js';
import type { HeraldEvent } from '../src/domain/glossary.js';
import { compileFilters, evaluateFilters, isFilterErrors } from '../src/fanout/filter.js';
import { type IngestFacts, planIngest } from '../src/fanout/plan.js';
import { subscriptionFixture } from '../test/helpers/fixtures.js';

const seconds = Number(process.argv[2] ?? 1);
const input: CelInput = {
  event: {
    id: 'evt_2CnZ0b7KQx1yE4mVt9sR3wLpHaD',
    type: 'sales_order.created',
    timestamp: 1_772_366_400_000,
    subscriberId: null,
    channels: null,
  },
  data: {
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
  },
};
const filter = compileFilters(['order.total > 100', 'order.status != "draft"']);
const template = compileTemplate({
  order_id: '{{ order.id }}',
  customer_id: '{{ order.customer_id }}',
  total_amount: '{{ order.total }}',
  status: '{{ order.status }}',
  items: '{{ order.items }}',
  timestamp: '{{ event.timestamp }}',
});
if (isFilterErrors(filter) || isTemplateErrors(template)) throw new Error('seed 004 refused');
const variables = celVariables(input);

function measure(name: string, op: () => unknown): void {
  for (let i = 0; i < 10_000; i++) op(); // warm-up
  let ops = 0;
  const start = process.hrtime.bigint();
  const until = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < until) {
    for (let i = 0; i < 1_000; i++) op();
    ops += 1_000;
    now = process.hrtime.bigint();
  }
  const elapsedS = Number(now - start) / 1e9;
  console.log(
    JSON.stringify({
      case: name,
      ops,
      seconds: elapsedS,
      opsPerSecond: Math.round(ops / elapsedS),
      nsPerOp: Math.round((elapsedS * 1e9) / ops),
    }),
  );
}

measure('filters: seed 004, variables built per call', () => evaluateFilters(filter, input));
measure('filters: seed 004, variables built once per event', () => evaluateFilters(filter, variables));
measure('variables: build per event', () => celVariables(input));
measure('filters: compile seed 004', () => compileFilters(['order.total > 100', 'order.status != "draft"']));
measure('template: render seed 004 payload', () => renderTemplate(template, variables));

// The fan-out plan of one event (as ingest decides it, the data as stored JSON text) to one
// subscription, without and with seed 004's filter: what a filter adds to each ingested event.
const planEvent: HeraldEvent = {
  id: input.event.id,
  type: input.event.type,
  dataJson: JSON.stringify(input.data),
  idempotencyKey: null,
  subscriberId: null,
  channels: null,
  createdAt: 1_772_366_400_000,
};
const planFacts = (filter: string[] | null): IngestFacts => ({
  prior: new Map(),
  knownTypes: new Set([planEvent.type]),
  knownSubscribers: new Set(),
  candidates: [subscriptionFixture({ subscriberId: 'sbr_bench', eventTypes: [planEvent.type], filter })],
});
const plainFacts = planFacts(null);
const filteredFacts = planFacts(['order.total > 100', 'order.status != "draft"']);
const requests = [{ event: planEvent, requestHash: null }];
measure('plan: one event, one subscription, no filter', () => planIngest(requests, plainFacts));
measure('plan: one event, one subscription, seed 004 filter (data parsed, variables built, 2 expressions)', () =>
  planIngest(requests, filteredFacts),
);
