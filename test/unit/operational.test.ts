// Which operational webhooks a batch of recorded outcomes gives (src/domain/operational.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPERATOR_SUBSCRIBER_ID, operationalEvents, type StatusChange } from '../../src/domain/operational.js';

const AT = Date.parse('2026-12-06T10:00:00.000Z');
const change = (over: Partial<StatusChange>): StatusChange => ({
  subscriptionId: 'sub_A',
  subscriberId: 'sbr_A',
  from: 'degraded',
  to: 'failing',
  reason: 'breaker_open',
  at: AT,
  ...over,
});

describe('operationalEvents', () => {
  it('reports failing, disabled by delivery and recovered from failing, scoped to the operator subscriber', () => {
    const events = operationalEvents(
      [
        change({}),
        change({ subscriptionId: 'sub_B', from: 'failing', to: 'disabled', reason: 'endpoint_gone' }),
        change({ subscriptionId: 'sub_C', from: 'failing', to: 'healthy', reason: null }),
      ],
      [],
    );
    assert.deepEqual(
      events.map((e) => [e.type, JSON.parse(e.dataJson).subscriptionId]),
      [
        ['subscription.failing', 'sub_A'],
        ['subscription.disabled', 'sub_B'],
        ['subscription.recovered', 'sub_C'],
      ],
    );
    for (const e of events) {
      assert.equal(e.subscriberId, OPERATOR_SUBSCRIBER_ID);
      assert.equal(e.createdAt, AT);
      assert.match(e.id, /^evt_/);
    }
    assert.deepEqual(JSON.parse(events[0]?.dataJson ?? ''), {
      subscriptionId: 'sub_A',
      subscriberId: 'sbr_A',
      from: 'degraded',
      to: 'failing',
      reason: 'breaker_open',
      at: '2026-12-06T10:00:00.000Z',
    });
  });

  it('says nothing of a person disabling, of degraded coming and going, of unknown subscribers, or of the operator itself', () => {
    const events = operationalEvents(
      [
        change({ from: 'healthy', to: 'disabled', reason: 'disabled_manually' }),
        change({ from: 'healthy', to: 'degraded', reason: 'consecutive_failures' }),
        change({ from: 'degraded', to: 'healthy', reason: null }),
        change({ subscriberId: undefined }),
        change({ subscriberId: OPERATOR_SUBSCRIBER_ID }),
      ],
      [
        {
          messageId: 'msg_X',
          subscriptionId: 'sub_ops',
          subscriberId: OPERATOR_SUBSCRIBER_ID,
          eventType: 'message.failed',
          attempts: 1,
          lastStatusCode: 500,
          lastError: 'HTTP 500',
          at: AT,
        },
      ],
    );
    assert.deepEqual(events, []);
  });

  it('reports each message that failed for good', () => {
    const [event] = operationalEvents(
      [],
      [
        {
          messageId: 'msg_A',
          subscriptionId: 'sub_A',
          subscriberId: 'sbr_A',
          eventType: 'order.created',
          attempts: 7,
          lastStatusCode: null,
          lastError: 'timeout: no answer within 30 s',
          at: AT,
        },
      ],
    );
    assert.equal(event?.type, 'message.failed');
    assert.deepEqual(JSON.parse(event?.dataJson ?? ''), {
      messageId: 'msg_A',
      subscriptionId: 'sub_A',
      subscriberId: 'sbr_A',
      eventType: 'order.created',
      attempts: 7,
      lastStatusCode: null,
      lastError: 'timeout: no answer within 30 s',
      at: '2026-12-06T10:00:00.000Z',
    });
  });
});
