// /Webhooks/Subscribers/{SubscriberID}/Subscriptions[/{SubscriptionID}]: a subscriber's
// subscriptions, added, listed (oldest first: their ItemNo order), read and deleted with only the
// SubscriberID as the credential, as the seed documents.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { networkPolicy } from '../../delivery/ssrf.js';
import { HeraldError } from '../../domain/errors.js';
import type { Subscriber, Subscription } from '../../domain/glossary.js';
import { newSubscription } from '../../domain/subscriptions.js';
import { describeChange } from '../audit.js';
import {
  assertId,
  checkEventTypePatterns,
  checkEventTypesExist,
  checkHeaders,
  checkTargetUrl,
  createSubscriptionUnder,
} from '../checks.js';
import { asSubscriber, begin, type JiwaContext, LIST_PAGE, MAX_LISTED } from './context.js';
import { SubscriptionDtoSchema, subscriptionDto } from './dto.js';
import { JiwaParams } from './params.js';
import { errors, noSecurity, queryString, SubscriberParams, Webhooks } from './schemas.js';

const SubscriptionParams = Type.Object({ SubscriberID: Type.String(), SubscriptionID: Type.String() });
const HeaderSchema = Type.Object({ Name: Type.String(), Value: Type.String() });
const SubscriptionCreate = Type.Object({
  SubscriberID: Type.Optional(Type.String({ description: 'Taken from the path' })),
  URL: Type.String(),
  EventName: Type.String({ description: 'An event name (inventory.stocklevel) or a wildcard (inventory.*)' }),
  Headers: Type.Optional(Type.Array(HeaderSchema, { description: 'Request headers sent with every message' })),
});

/** Subscription headers from `[{Name, Value}]` (or a JSON text of it, from a query string) or `{name: value}`. */
function readHeaders(params: JiwaParams): Record<string, string> {
  let value = params.raw('Headers');
  if (value === undefined || value === null || value === '') return {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw new HeraldError('validation_failed', 'Headers must be a list of {Name, Value}');
    }
  }
  const headers: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const entry = new JiwaParams();
      if (typeof item !== 'object' || item === null || Array.isArray(item))
        throw new HeraldError('validation_failed', 'Headers must be a list of {Name, Value}');
      for (const [k, v] of Object.entries(item)) entry.set(k, v);
      const name = entry.requiredString('Name');
      if (Object.hasOwn(headers, name)) throw new HeraldError('invalid_header', `The ${name} header is given twice`);
      headers[name] = entry.string('Value') ?? '';
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string') throw new HeraldError('validation_failed', 'Header values must be strings');
      headers[k] = v;
    }
  } else {
    throw new HeraldError('validation_failed', 'Headers must be a list of {Name, Value}');
  }
  return checkHeaders(headers);
}

export const subscriptionRoutes: FastifyPluginAsync<JiwaContext> = async (app, { store, config, answer, loadSubscriber }) => {
  const policy = networkPolicy(config);

  /** Every subscription of a subscriber, oldest first (their ItemNo order). */
  async function subscriptionsOf(subscriberId: string): Promise<Subscription[]> {
    const out: Subscription[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.listSubscriptions({ subscriberId, limit: LIST_PAGE, cursor });
      out.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor !== null && out.length < MAX_LISTED);
    return out.reverse();
  }

  app.post(
    '/Webhooks/Subscribers/:SubscriberID/Subscriptions',
    {
      config: { audit: 'subscription.create' },
      schema: {
        tags: Webhooks,
        security: noSecurity,
        summary: 'Adds a Webhook subscription for a subscriber',
        params: SubscriberParams,
        querystring: queryString({
          URL: Type.Optional(Type.String()),
          EventName: Type.Optional(Type.String()),
          Headers: Type.Optional(Type.String()),
        }),
        body: SubscriptionCreate,
        response: { 201: SubscriptionDtoSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { params, format } = begin(request);
      const subscriber = await loadSubscriber(params);
      request.principal = asSubscriber(subscriber.id);
      const url = await checkTargetUrl(params.requiredString('URL'), policy);
      const eventName = params.requiredString('EventName', 256);
      const eventTypes = checkEventTypePatterns(eventName.split(',').map((s) => s.trim()));
      const headers = readHeaders(params);
      await checkEventTypesExist(store, eventTypes);
      const now = Date.now();
      const subscription = newSubscription(
        {
          subscriberId: subscriber.id,
          url,
          eventTypes,
          headers,
          payloadFormat: 'raw', // "All webhook messages are sent as a POST operation with any relevant document DTO as the body"
          timeoutSeconds: config.timeoutSeconds,
        },
        now,
      );
      const created = await createSubscriptionUnder(store, subscription);
      describeChange(request, { resourceId: created.id, changes: { url, eventTypes, headers } });
      const all = await subscriptionsOf(subscriber.id);
      const itemNo = all.findIndex((s) => s.id === created.id) + 1 || all.length;
      return answer(request, reply, format, 201, { kind: 'one', type: 'SY_WebhookSubscription', row: subscriptionDto(created, itemNo) });
    },
  );

  app.get(
    '/Webhooks/Subscribers/:SubscriberID/Subscriptions',
    {
      schema: {
        tags: Webhooks,
        security: noSecurity,
        summary: 'Lists all subscriptions for a subscriber',
        params: SubscriberParams,
        querystring: queryString({}),
        response: { 200: Type.Array(SubscriptionDtoSchema), ...errors },
      },
    },
    async (request, reply) => {
      const { params, format } = begin(request);
      const subscriber = await loadSubscriber(params);
      const rows = (await subscriptionsOf(subscriber.id)).map((s, i) => subscriptionDto(s, i + 1));
      return answer(request, reply, format, 200, { kind: 'list', type: 'SY_WebhookSubscription', rows });
    },
  );

  /** The subscription named by the path, or not_found when it is not the subscriber's. */
  async function loadSubscription(params: JiwaParams): Promise<{ subscriber: Subscriber; subscriptions: Subscription[]; index: number }> {
    const subscriber = await loadSubscriber(params);
    const id = params.requiredString('SubscriptionID', 128);
    assertId('sub', id);
    const subscriptions = await subscriptionsOf(subscriber.id);
    const index = subscriptions.findIndex((s) => s.id === id);
    if (index < 0) throw new HeraldError('not_found');
    return { subscriber, subscriptions, index };
  }

  app.get(
    '/Webhooks/Subscribers/:SubscriberID/Subscriptions/:SubscriptionID',
    {
      schema: {
        tags: Webhooks,
        security: noSecurity,
        summary: "One of a subscriber's subscriptions",
        params: SubscriptionParams,
        querystring: queryString({}),
        response: { 200: SubscriptionDtoSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { params, format } = begin(request);
      const { subscriptions, index } = await loadSubscription(params);
      const row = subscriptionDto(subscriptions[index] as Subscription, index + 1);
      return answer(request, reply, format, 200, { kind: 'one', type: 'SY_WebhookSubscription', row });
    },
  );

  app.delete(
    '/Webhooks/Subscribers/:SubscriberID/Subscriptions/:SubscriptionID',
    {
      config: { audit: 'subscription.delete' },
      schema: {
        tags: Webhooks,
        security: noSecurity,
        summary: 'Deletes an existing subscription, with its messages and their responses',
        params: SubscriptionParams,
        querystring: queryString({}),
        response: { 204: Type.Null({ description: 'Deleted' }), ...errors },
      },
    },
    async (request, reply) => {
      const { params } = begin(request);
      const { subscriber, subscriptions, index } = await loadSubscription(params);
      request.principal = asSubscriber(subscriber.id);
      const id = (subscriptions[index] as Subscription).id;
      if (!(await store.deleteSubscription(id))) throw new HeraldError('not_found');
      describeChange(request, { resourceId: id, changes: null });
      return reply.code(204).send();
    },
  );
};
