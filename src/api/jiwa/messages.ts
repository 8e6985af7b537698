// /Webhooks/Subscribers/{SubscriberID}/Messages and .../Messages/Responses: a subscriber's messages
// and their responses (delivery attempts) as AutoQuery lists (queries.ts), and deleting a message.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { HeraldError } from '../../domain/errors.js';
import type { SequencedMessage } from '../../store/store.js';
import { describeChange } from '../audit.js';
import { assertId, orNotFound } from '../checks.js';
import { parseAutoQuery, selectFields } from './autoquery.js';
import { asSubscriber, begin, type JiwaContext } from './context.js';
import { MessageDtoSchema, MessageResponseDtoSchema, messageDto, messageResponseDto, QueryResponseSchema } from './dto.js';
import { type AttemptFilters, listQuery, MESSAGE_LIST, type MessageFilters, RESPONSE_LIST } from './queries.js';
import { errors, noSecurity, queryString, SubscriberParams, Webhooks } from './schemas.js';

const MessageParams = Type.Object({ SubscriberID: Type.String(), SubscriptionID: Type.String(), MessageID: Type.String() });

export const messageRoutes: FastifyPluginAsync<JiwaContext> = async (app, { store, config, answer, loadSubscriber }) => {
  /** Event data by event id, for the Body field: one read per distinct event of the page. */
  async function bodies(eventIds: string[]): Promise<Map<string, string>> {
    const events = await Promise.all([...new Set(eventIds)].map((id) => store.getEvent(id)));
    return new Map(events.filter((e) => e !== null).map((e) => [e.id, e.dataJson]));
  }

  app.get(
    '/Webhooks/Subscribers/:SubscriberID/Messages',
    {
      schema: {
        tags: Webhooks,
        security: noSecurity,
        summary: 'Lists the messages for a subscriber (queryable: filter, page, order, choose fields)',
        params: SubscriberParams,
        querystring: listQuery(MESSAGE_LIST),
        response: { 200: QueryResponseSchema(MessageDtoSchema), ...errors },
      },
    },
    async (request, reply) => {
      const { params, format } = begin(request);
      const subscriber = await loadSubscriber(params);
      const { query, fields } = parseAutoQuery(
        params,
        MESSAGE_LIST,
        { subscriberId: subscriber.id } as MessageFilters,
        config.autoQueryMaxLimit,
      );
      const page = await store.queryMessages(query);
      const withBody = fields === null || fields.includes('Body');
      const data = withBody ? await bodies(page.data.map((m) => m.eventId)) : new Map<string, string>();
      const rows = page.data.map((m) => selectFields(messageDto(m, data.get(m.eventId) ?? null), fields));
      return answer(request, reply, format, 200, {
        kind: 'query',
        type: 'v_SY_WebhookSubscriber_Messages',
        offset: query.offset,
        total: page.total,
        rows,
        limit: query.limit,
      });
    },
  );

  app.get(
    '/Webhooks/Subscribers/:SubscriberID/Messages/Responses',
    {
      schema: {
        tags: Webhooks,
        security: noSecurity,
        summary: 'Lists the message responses (delivery attempts) for a subscriber (queryable)',
        params: SubscriberParams,
        querystring: listQuery(RESPONSE_LIST),
        response: { 200: QueryResponseSchema(MessageResponseDtoSchema), ...errors },
      },
    },
    async (request, reply) => {
      const { params, format } = begin(request);
      const subscriber = await loadSubscriber(params);
      const { query, fields } = parseAutoQuery(
        params,
        RESPONSE_LIST,
        { subscriberId: subscriber.id } as AttemptFilters,
        config.autoQueryMaxLimit,
      );
      const page = await store.queryAttempts(query);
      const messageIds = [...new Set(page.data.map((a) => a.messageId))];
      const messages = new Map<string, SequencedMessage>();
      if (messageIds.length > 0) {
        const found = await store.queryMessages({ ids: messageIds, orderBy: [], offset: 0, limit: messageIds.length });
        for (const m of found.data) messages.set(m.id, m);
      }
      const withBody = fields === null || fields.includes('Body');
      const data = withBody ? await bodies([...messages.values()].map((m) => m.eventId)) : new Map<string, string>();
      const rows = page.data.flatMap((a) => {
        const m = messages.get(a.messageId);
        return m ? [selectFields(messageResponseDto(a, m, data.get(m.eventId) ?? null), fields)] : []; // deleted meanwhile
      });
      return answer(request, reply, format, 200, {
        kind: 'query',
        type: 'v_SY_WebhookSubscriber_MessageResponses',
        offset: query.offset,
        total: page.total,
        rows,
        limit: query.limit,
      });
    },
  );

  app.delete(
    '/Webhooks/Subscribers/:SubscriberID/Subscriptions/:SubscriptionID/Messages/:MessageID',
    {
      config: { audit: 'message.delete' },
      schema: {
        tags: Webhooks,
        security: noSecurity,
        summary: 'Deletes an existing message, with its responses',
        params: MessageParams,
        querystring: queryString({}),
        response: { 204: Type.Null({ description: 'Deleted' }), ...errors },
      },
    },
    async (request, reply) => {
      const { params } = begin(request);
      const subscriberId = params.requiredString('SubscriberID', 128);
      const subscriptionId = params.requiredString('SubscriptionID', 128);
      const messageId = params.requiredString('MessageID', 128);
      assertId('sbr', subscriberId);
      assertId('sub', subscriptionId);
      assertId('msg', messageId);
      const message = orNotFound(await store.getMessage(messageId));
      if (message.subscriberId !== subscriberId || message.subscriptionId !== subscriptionId) throw new HeraldError('not_found');
      request.principal = asSubscriber(subscriberId);
      if (!(await store.deleteMessage(messageId))) throw new HeraldError('not_found');
      describeChange(request, { resourceId: messageId, changes: null });
      return reply.code(204).send();
    },
  );
};
