// /v1/messages: one event bound for one subscription, the unit of delivery. Resend queues a manual
// attempt with a fresh retry budget; the dispatcher makes it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { HeraldError } from '../../domain/errors.js';
import type { Message } from '../../domain/glossary.js';
import type { Store } from '../../store/store.js';
import { assertVisible, confineTo } from '../auth.js';
import { assertId, orNotFound, page } from '../checks.js';
import type { ApiContext } from '../context.js';
import { parseTime, renderAttempt, renderMessage } from '../render.js';
import { AttemptSchema, errorResponses, IdParams, MessageSchema, MessagesQuery, NoContent, Page, PageQuery } from '../schemas.js';

const tags = ['messages'];

/** The message, or not_found when it does not exist or the caller may not see it. */
export async function loadMessage(store: Store, request: FastifyRequest, id: string): Promise<Message> {
  assertId('msg', id);
  const message = orNotFound(await store.getMessage(id));
  assertVisible(request, message.subscriberId);
  return message;
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
      const q = request.query;
      const result = await store.listMessages({
        ...page(q, 'msg'),
        subscriberId: confineTo(request, q.subscriberId),
        subscriptionId: q.subscriptionId,
        eventId: q.eventId,
        eventType: q.eventType,
        status: q.status,
        since: parseTime(q.since),
        until: parseTime(q.until),
      });
      return { data: result.data.map(renderMessage), nextCursor: result.nextCursor };
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
