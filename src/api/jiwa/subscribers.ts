// /Webhooks/Subscribers: adding a subscriber (operators only: a /auth session or an admin API key)
// and reading one by its SubscriberID.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { newId } from '../../domain/ids.js';
import { describeChange } from '../audit.js';
import { begin, type JiwaContext } from './context.js';
import { SubscriberDtoSchema, subscriberDto } from './dto.js';
import { errors, noSecurity, operatorSecurity, queryString, SubscriberParams, Webhooks } from './schemas.js';

const MAX_NAME = 256; // characters of a subscriber name, as /v1 allows
const SubscriberCreate = Type.Object({ Name: Type.String({ maxLength: MAX_NAME }), IsEnabled: Type.Optional(Type.Boolean()) });

export const subscriberRoutes: FastifyPluginAsync<JiwaContext> = async (app, { store, auth, answer, loadSubscriber }) => {
  /** An operator: a live /auth session, else an API key allowed the route's config.action. */
  const operator = auth.onJiwaRequest;

  app.post(
    '/Webhooks/Subscribers',
    {
      config: { action: 'subscribers.create', audit: 'subscriber.create' },
      preHandler: operator,
      schema: {
        tags: Webhooks,
        summary: 'Add a new subscriber (operators only: a /auth session or an admin API key)',
        security: operatorSecurity,
        querystring: queryString(SubscriberCreate.properties),
        body: SubscriberCreate,
        response: { 201: SubscriberDtoSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { params, format } = begin(request);
      const name = params.requiredString('Name', MAX_NAME);
      const enabled = params.boolean('IsEnabled') ?? true;
      const now = Date.now();
      const created = await store.createSubscriber({
        id: newId('sbr', now),
        name,
        enabled,
        metadata: null,
        createdAt: now,
        updatedAt: now,
      });
      describeChange(request, { resourceId: created.id, changes: { name, enabled } });
      const row = subscriberDto(created, await store.countSubscribers(created.id));
      return answer(request, reply, format, 201, { kind: 'one', type: 'SY_WebhookSubscriber', row });
    },
  );

  app.get(
    '/Webhooks/Subscribers/:SubscriberID',
    {
      schema: {
        tags: Webhooks,
        security: noSecurity,
        summary: 'A subscriber, by its SubscriberID',
        params: SubscriberParams,
        querystring: queryString({}),
        response: { 200: SubscriberDtoSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { params, format } = begin(request);
      const subscriber = await loadSubscriber(params);
      const row = subscriberDto(subscriber, await store.countSubscribers(subscriber.id));
      return answer(request, reply, format, 200, { kind: 'one', type: 'SY_WebhookSubscriber', row });
    },
  );
};
