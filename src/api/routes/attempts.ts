// /v1/attempts: every HTTP request made to deliver a message and what came back (Jiwa's "message
// responses"), filterable like messages plus by status code.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { assertVisible, confineTo } from '../auth.js';
import { assertId, orNotFound, page } from '../checks.js';
import type { ApiContext } from '../context.js';
import { parseTime, renderAttempt } from '../render.js';
import { AttemptSchema, AttemptsQuery, errorResponses, IdParams, Page } from '../schemas.js';

const tags = ['attempts'];

export const attemptRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store }) => {
  app.get(
    '/attempts',
    {
      config: { action: 'attempts.read' },
      schema: {
        tags,
        summary: 'List attempts, newest first; status filters on the message status',
        querystring: AttemptsQuery,
        response: { 200: Page(AttemptSchema), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const result = await store.listAttempts({
        ...page(q, 'att'),
        messageId: q.messageId,
        subscriberId: confineTo(request, q.subscriberId),
        subscriptionId: q.subscriptionId,
        eventType: q.eventType,
        status: q.status,
        statusCode: q.statusCode,
        since: parseTime(q.since),
        until: parseTime(q.until),
      });
      return { data: result.data.map(renderAttempt), nextCursor: result.nextCursor };
    },
  );

  app.get(
    '/attempts/:id',
    {
      config: { action: 'attempts.read' },
      schema: { tags, summary: 'Get an attempt', params: IdParams, response: { 200: AttemptSchema, ...errorResponses } },
    },
    async (request) => {
      assertId('att', request.params.id);
      const attempt = orNotFound(await store.getAttempt(request.params.id));
      assertVisible(request, attempt.subscriberId);
      return renderAttempt(attempt);
    },
  );
};
