// /v1/messages: one event bound for one subscription, the unit of delivery. Resend queues a manual
// attempt with a fresh retry budget; the dispatcher makes it. Bulk resend does that for what a
// message-log filter selects, one bounded page per call (MAX_BULK_RESEND), continued by cursor.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { HeraldError } from '../../domain/errors.js';
import type { Message } from '../../domain/glossary.js';
import { MAX_BULK_RESEND } from '../../domain/recovery.js';
import type { MessageFilter, Store } from '../../store/store.js';
import { describeChange } from '../audit.js';
import { assertVisible, confineTo } from '../auth.js';
import { assertId, orNotFound, page } from '../checks.js';
import type { ApiContext } from '../context.js';
import { parseTime, renderAttempt, renderMessage } from '../render.js';
import {
  AttemptSchema,
  DEFAULT_PAGE_LIMIT,
  errorResponses,
  IdParams,
  MessageSchema,
  MessagesQuery,
  NoContent,
  Page,
  PageQuery,
  ResendMessagesBody,
  ResendMessagesResponse,
} from '../schemas.js';

const tags = ['messages'];

/** The message, or not_found when it does not exist or the caller may not see it. */
export async function loadMessage(store: Store, request: FastifyRequest, id: string): Promise<Message> {
  assertId('msg', id);
  const message = orNotFound(await store.getMessage(id));
  assertVisible(request, message.subscriberId);
  return message;
}

/** The filters of GET /v1/messages (query) or POST /v1/messages/resend (body), checked, with the
 *  caller confined to its own subscriber. */
function messageFilter(request: FastifyRequest, q: Static<typeof MessagesQuery>, defaultLimit: number): MessageFilter {
  return {
    ...page(q, 'msg'),
    limit: q.limit ?? defaultLimit,
    subscriberId: confineTo(request, q.subscriberId),
    subscriptionId: q.subscriptionId,
    eventId: q.eventId,
    eventType: q.eventType,
    status: q.status,
    since: parseTime(q.since),
    until: parseTime(q.until),
  };
}

export const messageRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store }) => {
  app.get(
    '/messages',
    {
      config: { action: 'messages.read' },
      schema: {
        tags,
        summary: 'List messages, newest first',
        querystring: MessagesQuery,
        response: { 200: Page(MessageSchema), ...errorResponses },
      },
    },
    async (request) => {
      const result = await store.listMessages(messageFilter(request, request.query, DEFAULT_PAGE_LIMIT));
      return { data: result.data.map(renderMessage), nextCursor: result.nextCursor };
    },
  );

  app.post(
    '/messages/resend',
    {
      config: { action: 'messages.write', audit: 'message.bulk-resend' },
      schema: {
        tags,
        summary: 'Send again, now, the messages a filter selects (the filters of GET /v1/messages), at most `limit` per call',
        description:
          'Takes the page GET /v1/messages would answer with the same filters (newest first, up to `limit`, default and most ' +
          `${MAX_BULK_RESEND}). Each becomes pending and due now, with a fresh retry budget, its next attempt recorded as manual ` +
          '(as resend does). A message whose attempt is under way is left to it and counted in inFlight. When more match, ' +
          'nextCursor continues with the next page. A subscriber key resends only its own messages.',
        body: ResendMessagesBody,
        response: { 202: ResendMessagesResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await store.resendMessages(messageFilter(request, request.body, MAX_BULK_RESEND), Date.now());
      describeChange(request, { changes: { ...request.body, resent: result.resent, inFlight: result.inFlight } });
      return reply.code(202).send(result);
    },
  );

  app.get(
    '/messages/:id',
    {
      config: { action: 'messages.read' },
      schema: { tags, summary: 'Get a message', params: IdParams, response: { 200: MessageSchema, ...errorResponses } },
    },
    async (request) => renderMessage(await loadMessage(store, request, request.params.id)),
  );

  app.delete(
    '/messages/:id',
    {
      config: { action: 'messages.write', audit: 'message.delete' },
      schema: { tags, summary: 'Delete a message and its attempts', params: IdParams, response: { 204: NoContent, ...errorResponses } },
    },
    async (request, reply) => {
      await loadMessage(store, request, request.params.id);
      if (!(await store.deleteMessage(request.params.id))) throw new HeraldError('not_found');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/messages/:id/resend',
    {
      config: { action: 'messages.write', audit: 'message.resend' },
      schema: {
        tags,
        summary: 'Queue the message for an immediate manual attempt with a fresh retry budget',
        params: IdParams,
        response: { 202: MessageSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      await loadMessage(store, request, request.params.id);
      const message = orNotFound(await store.resendMessage(request.params.id, Date.now()));
      return reply.code(202).send(renderMessage(message));
    },
  );

  app.get(
    '/messages/:id/attempts',
    {
      config: { action: 'attempts.read' },
      schema: {
        tags,
        summary: "A message's attempts, newest first",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Page(AttemptSchema), ...errorResponses },
      },
    },
    async (request) => {
      const message = await loadMessage(store, request, request.params.id);
      const result = await store.listAttempts({ ...page(request.query, 'att'), messageId: message.id });
      return { data: result.data.map(renderAttempt), nextCursor: result.nextCursor };
    },
  );
};
