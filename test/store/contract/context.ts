// What every part of the store contract suite shares: the fixed clock, the store of the running
// test (a fresh one per test, migrated in beforeEach and cleaned up in afterEach) and the fixture
// helpers built on both. Times are explicit (a fixed clock), never Date.now(), so the tests are exact.
import assert from 'node:assert/strict';
import { afterEach, beforeEach } from 'node:test';
import { HeraldError } from '../../../src/domain/errors.js';
import type { EventType, HeraldEvent, MessageStatus, Subscriber, Subscription } from '../../../src/domain/glossary.js';
import type { HealthSignal } from '../../../src/domain/health.js';
import { newId } from '../../../src/domain/ids.js';
import type { AttemptOutcome, DeliveryJob, IngestResult, Store } from '../../../src/store/store.js';
import { subscriptionFixture } from '../../helpers/fixtures.js';

export type MakeStore = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

export const T0 = 1_700_000_000_000; // epoch ms; every time in the suite is T0 + something
export const MARGIN = 15_000; // ms, the lease margin passed to claimDue
export const WAIT_MS = 3_000; // bound on waiting for onMessagesCommitted

export const isCode =
  (code: string) =>
  (err: unknown): boolean =>
    err instanceof HeraldError && err.code === code;

/** Every page of a listing, following nextCursor (bounded). */
export async function allPages<T>(fetch: (cursor: string | null) => Promise<{ data: T[]; nextCursor: string | null }>): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const p = await fetch(cursor);
    pages.push(p.data);
    if (p.nextCursor === null) return pages;
    cursor = p.nextCursor;
  }
  throw new Error('pagination did not end');
}

export const ids = (xs: { id: string }[]) => xs.map((x) => x.id);
export const desc = (xs: string[]) => [...xs].sort().reverse();

/** The health signal classify.ts gives an answer (null: no answer, a transport error). */
export function signalOf(statusCode: number | null): HealthSignal {
  if (statusCode === null || statusCode >= 500) return 'fault';
  if (statusCode >= 200 && statusCode < 300) return 'success';
  return statusCode === 410 ? 'gone' : 'rejected';
}

/** What a test may override in an attempt outcome built by `outcome()`. */
export type OutcomeOverrides = Partial<Omit<AttemptOutcome, 'attempt'>> & {
  statusCode?: number | null;
  at?: number;
  error?: string | null;
  durationMs?: number;
};

/** The job fields `outcome()` needs: a DeliveryJob, or the same read off a message. */
export type OutcomeJob = { messageId: string; eventType: string; subscription: Pick<Subscription, 'id' | 'subscriberId'> };

/**
 * The running test's store and clock, and the helpers that use them. `store` and `clock` are read
 * through the context at the time of use (the store changes with every test); the helpers may be
 * destructured once.
 */
export interface ContractContext {
  /** The store of the running test: fresh and migrated. */
  readonly store: Store;
  /** The fixed clock: T0 at the start of each test, strictly increasing, so ids made with it sort in creation order. */
  clock: number;
  /** Advances the clock by `ms` and returns the new time. */
  tick(ms?: number): number;

  // ---- builders (nothing written) ----
  eventType(name: string, at?: number): EventType;
  subscriberData(over?: Partial<Subscriber>): Subscriber;
  subscriptionData(subscriberId: string, over?: Partial<Subscription>): Subscription;
  eventData(type: string, over?: Partial<HeraldEvent>): HeraldEvent;
  /** An attempt outcome for the job: a success for a 2xx status code (the default, 200), else a retry;
   *  its health signal as classify.ts gives it for the status code (signalOf). */
  outcome(job: OutcomeJob, over?: OutcomeOverrides): AttemptOutcome;

  // ---- writers ----
  addTypes(...names: string[]): Promise<EventType[]>;
  addSubscriber(over?: Partial<Subscriber>): Promise<Subscriber>;
  addSubscription(subscriberId: string, over?: Partial<Subscription>): Promise<Subscription>;
  ingestOne(event: HeraldEvent, requestHash?: string | null): Promise<IngestResult>;
  /** Ingests an event that must be created, and returns it with its messages' ids. */
  send(type: string, over?: Partial<HeraldEvent>): Promise<{ event: HeraldEvent; messageIds: string[] }>;
  /** One subscriber with one `*` subscription. */
  world(over?: Partial<Subscription>): Promise<{ subscriber: Subscriber; subscription: Subscription }>;
  /** Claims everything due at `now` and returns the jobs by message id. */
  claimAll(now: number): Promise<Map<string, DeliveryJob>>;
  claimOne(now: number, messageId: string): Promise<DeliveryJob>;
  /** Drives one message to `status` by recording an attempt (without claiming, so other messages keep their state). */
  settle(messageId: string, status: MessageStatus, over?: OutcomeOverrides): Promise<AttemptOutcome>;
}

/**
 * Registers the per-test store (beforeEach: a fresh store from makeStore, migrated, the clock back
 * at T0; afterEach: its cleanup) in the enclosing describe, and returns the context over it.
 */
export function contractContext(makeStore: MakeStore): ContractContext {
  let store: Store;
  let cleanup: () => Promise<void>;
  let clock = T0; // strictly increasing, so ids made with it sort in creation order

  const tick = (ms = 1): number => {
    clock += ms;
    return clock;
  };

  beforeEach(async () => {
    clock = T0;
    ({ store, cleanup } = await makeStore());
    await store.migrate();
  });
  afterEach(async () => {
    await cleanup();
  });

  // ---- builders ---------------------------------------------------------------------------------

  const eventType = (name: string, at = tick()): EventType => ({
    name,
    description: `${name} happened`,
    schema: null,
    example: null,
    createdAt: at,
    updatedAt: at,
  });

  const subscriberData = (over: Partial<Subscriber> = {}): Subscriber => {
    const at = tick();
    return { id: newId('sbr', at), name: 'Acme', enabled: true, metadata: null, createdAt: at, updatedAt: at, ...over };
  };

  const subscriptionData = (subscriberId: string, over: Partial<Subscription> = {}): Subscription => {
    const at = tick();
    return subscriptionFixture({ id: newId('sub', at), subscriberId, createdAt: at, updatedAt: at, ...over });
  };

  const eventData = (type: string, over: Partial<HeraldEvent> = {}): HeraldEvent => {
    const at = over.createdAt ?? tick();
    return {
      id: newId('evt', at),
      type,
      dataJson: '{"n":1}',
      idempotencyKey: null,
      subscriberId: null,
      channels: null,
      createdAt: at,
      ...over,
    };
  };

  const addTypes = (...names: string[]) => Promise.all(names.map((n) => store.createEventType(eventType(n))));
  const addSubscriber = (over: Partial<Subscriber> = {}) => store.createSubscriber(subscriberData(over));
  const addSubscription = (subscriberId: string, over: Partial<Subscription> = {}) =>
    store.createSubscription(subscriptionData(subscriberId, over));

  async function ingestOne(event: HeraldEvent, requestHash: string | null = null): Promise<IngestResult> {
    const [result] = await store.ingest([{ event, requestHash }]);
    assert.ok(result);
    return result;
  }

  /** Ingests an event that must be created, and returns it with its messages' ids. */
  async function send(type: string, over: Partial<HeraldEvent> = {}): Promise<{ event: HeraldEvent; messageIds: string[] }> {
    const event = eventData(type, over);
    const result = await ingestOne(event);
    assert.equal(result.status, 'created');
    const page = await store.listMessages({ limit: 1000, eventId: event.id });
    return { event, messageIds: page.data.map((m) => m.id) };
  }

  /** One subscriber with one `*` subscription. */
  async function world(over: Partial<Subscription> = {}) {
    await addTypes('order.created', 'order.updated', 'invoice.paid');
    const subscriber = await addSubscriber();
    const subscription = await addSubscription(subscriber.id, over);
    return { subscriber, subscription };
  }

  function outcome(job: OutcomeJob, over: OutcomeOverrides = {}): AttemptOutcome {
    const at = over.at ?? tick();
    const statusCode = over.statusCode === undefined ? 200 : over.statusCode;
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    return {
      attempt: {
        id: newId('att', at),
        messageId: job.messageId,
        subscriptionId: job.subscription.id,
        subscriberId: job.subscription.subscriberId,
        eventType: job.eventType,
        statusCode,
        durationMs: over.durationMs ?? 12,
        error: over.error !== undefined ? over.error : ok ? null : 'receiver answered with an error',
        requestHeaders: { 'webhook-id': job.messageId },
        responseHeaders: { 'content-type': 'text/plain' },
        responseBody: ok ? 'ok' : 'nope',
        trigger: 'scheduled',
        createdAt: at,
      },
      status: over.status ?? (ok ? 'succeeded' : 'retrying'),
      attempts: over.attempts ?? 1,
      retries: over.retries ?? (ok ? 0 : 1),
      nextAttemptAt: over.nextAttemptAt !== undefined ? over.nextAttemptAt : ok ? null : at + 1_000,
      health: over.health !== undefined ? over.health : signalOf(statusCode),
      ...(over.probe ? { probe: true } : {}),
    };
  }

  /** Claims everything due at `now` and returns the jobs by message id. */
  async function claimAll(now: number): Promise<Map<string, DeliveryJob>> {
    const jobs = await store.claimDue(now, 1000, MARGIN);
    return new Map(jobs.map((j) => [j.messageId, j]));
  }

  async function claimOne(now: number, messageId: string): Promise<DeliveryJob> {
    const job = (await claimAll(now)).get(messageId);
    assert.ok(job, `message ${messageId} should be claimable at ${now}`);
    return job;
  }

  /** Drives one message to `status` by recording an attempt (without claiming, so other messages keep their state). */
  async function settle(messageId: string, status: MessageStatus, over: OutcomeOverrides = {}): Promise<AttemptOutcome> {
    const message = await store.getMessage(messageId);
    assert.ok(message);
    const o = outcome(
      { messageId, eventType: message.eventType, subscription: { id: message.subscriptionId, subscriberId: message.subscriberId } },
      {
        status,
        statusCode: status === 'succeeded' ? 200 : 500,
        nextAttemptAt: status === 'retrying' ? tick(60_000) : null,
        ...over,
      },
    );
    await store.recordAttempts([o]);
    return o;
  }

  return {
    get store() {
      return store;
    },
    get clock() {
      return clock;
    },
    set clock(at: number) {
      clock = at;
    },
    tick,
    eventType,
    subscriberData,
    subscriptionData,
    eventData,
    outcome,
    addTypes,
    addSubscriber,
    addSubscription,
    ingestOne,
    send,
    world,
    claimAll,
    claimOne,
    settle,
  };
}
