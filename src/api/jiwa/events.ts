// /Webhooks/Events: the published events (the event type catalogue) a subscriber can subscribe to.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { OPERATIONAL_EVENT_TYPES } from '../../domain/operational.js';
import { begin, type JiwaContext, LIST_PAGE, MAX_LISTED } from './context.js';
import { eventTypeDto, WebhookEventSchema } from './dto.js';
import { errors, noSecurity, queryString, Webhooks } from './schemas.js';

const OPERATIONAL_TYPE_NAMES = new Set<string>(OPERATIONAL_EVENT_TYPES.map((t) => t.name));

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
        // Herald's own operational events are /v1's: Jiwa's catalogue is the producer's.
        rows.push(...page.data.filter((t) => !OPERATIONAL_TYPE_NAMES.has(t.name)).map(eventTypeDto));
        cursor = page.nextCursor;
      } while (cursor !== null && rows.length < MAX_LISTED);
      return answer(request, reply, format, 200, { kind: 'list', type: 'WebHookEvent', rows });
    },
  );
};
