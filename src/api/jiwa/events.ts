// /Webhooks/Events: the published events (the event type catalogue) a subscriber can subscribe to.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { begin, type JiwaContext, LIST_PAGE, MAX_LISTED } from './context.js';
import { eventTypeDto, WebhookEventSchema } from './dto.js';
import { errors, noSecurity, queryString, Webhooks } from './schemas.js';

export const eventRoutes: FastifyPluginAsync<JiwaContext> = async (app, { store, answer }) => {
  app.get(
    '/Webhooks/Events',
    {
      schema: {
        tags: Webhooks,
        security: noSecurity,
        summary: 'List all the published events a subscriber can subscribe to',
        querystring: queryString({}),
        response: { 200: Type.Array(WebhookEventSchema), ...errors },
      },
    },
    async (request, reply) => {
      const { format } = begin(request);
      const rows = [];
      let cursor: string | null = null;
      do {
        const page = await store.listEventTypes({ limit: LIST_PAGE, cursor });
        rows.push(...page.data.map(eventTypeDto));
        cursor = page.nextCursor;
      } while (cursor !== null && rows.length < MAX_LISTED);
      return answer(request, reply, format, 200, { kind: 'list', type: 'WebHookEvent', rows });
    },
  );
};
