// /v1/subscribers: the consumers of webhooks. Deleting one deletes its subscriptions, messages and
// attempts (the store does it in one unit of work).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HeraldError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import type { SubscriberPatch } from '../../store/store.js';
import { assertVisible, confinedSubscriber } from '../auth.js';
import { assertId, orNotFound, page } from '../checks.js';
import type { ApiContext } from '../context.js';
import { renderSubscriber } from '../render.js';
import {
  errorResponses,
  IdParams,
  NoContent,
  Page,
  PageQuery,
  SubscriberCreate,
  SubscriberPatch as SubscriberPatchBody,
  SubscriberSchema,
} from '../schemas.js';

const tags = ['subscribers'];

export const subscriberRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store }) => {
  app.post(
    '/subscribers',
    {
      config: { action: 'subscribers.create', audit: 'subscriber.create' },
      schema: { tags, summary: 'Create a subscriber', body: SubscriberCreate, response: { 201: SubscriberSchema, ...errorResponses } },
    },
    async (request, reply) => {
      const now = Date.now();
      const created = await store.createSubscriber({
        id: newId('sbr', now),
        name: request.body.name,
        enabled: request.body.enabled ?? true,
        metadata: request.body.metadata ?? null,
        createdAt: now,
        updatedAt: now,
      });
      return reply.code(201).send(renderSubscriber(created));
    },
  );

  app.get(
    '/subscribers',
    {
      config: { action: 'subscribers.read' },
      schema: {
        tags,
        summary: 'List subscribers, newest first',
        querystring: PageQuery,
        response: { 200: Page(SubscriberSchema), ...errorResponses },
      },
    },
    async (request) => {
      const own = confinedSubscriber(request);
      if (own !== null) {
        // A subscriber key sees a list of one.
        const subscriber = request.query.cursor ? null : await store.getSubscriber(own);
        return { data: subscriber ? [renderSubscriber(subscriber)] : [], nextCursor: null };
      }
      const result = await store.listSubscribers(page(request.query, 'sbr'));
      return { data: result.data.map(renderSubscriber), nextCursor: result.nextCursor };
    },
  );

  app.get(
    '/subscribers/:id',
    {
      config: { action: 'subscribers.read' },
      schema: { tags, summary: 'Get a subscriber', params: IdParams, response: { 200: SubscriberSchema, ...errorResponses } },
    },
    async (request) => {
      assertId('sbr', request.params.id);
      assertVisible(request, request.params.id);
      return renderSubscriber(orNotFound(await store.getSubscriber(request.params.id)));
    },
  );

  app.patch(
    '/subscribers/:id',
    {
      config: { action: 'subscribers.write', audit: 'subscriber.update' },
      schema: {
        tags,
        summary: 'Rename, enable or disable a subscriber, or change its metadata',
        params: IdParams,
        body: SubscriberPatchBody,
        response: { 200: SubscriberSchema, ...errorResponses },
      },
    },
    async (request) => {
      assertId('sbr', request.params.id);
      const { name, enabled, metadata } = request.body;
      const patch: SubscriberPatch = {};
      if (name !== undefined) patch.name = name;
      if (enabled !== undefined) patch.enabled = enabled;
      if (metadata !== undefined) patch.metadata = metadata;
      return renderSubscriber(orNotFound(await store.updateSubscriber(request.params.id, patch, Date.now())));
    },
  );

  app.delete(
    '/subscribers/:id',
    {
      config: { action: 'subscribers.write', audit: 'subscriber.delete' },
      schema: {
        tags,
        summary: 'Delete a subscriber with its subscriptions, messages and attempts',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (request, reply) => {
      assertId('sbr', request.params.id);
      if (!(await store.deleteSubscriber(request.params.id))) throw new HeraldError('not_found');
      return reply.code(204).send(null);
    },
  );
};
