// /v1/audit-log: who changed what, through the API or the CLI, newest first. Admin keys only: the
// log names keys and addresses. Entries are written by the hook in api/audit.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { page } from '../checks.js';
import type { ApiContext } from '../context.js';
import { parseTime, renderAuditEntry } from '../render.js';
import { AuditEntrySchema, AuditQuery, errorResponses, Page } from '../schemas.js';

const tags = ['audit log'];

export const auditLogRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store }) => {
  app.get(
    '/audit-log',
    {
      config: { action: 'audit-log.read' },
      schema: {
        tags,
        summary: 'List changes, newest first, filtered by actor, action, resource and time (since <= createdAt < until)',
        querystring: AuditQuery,
        response: { 200: Page(AuditEntrySchema), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const result = await store.listAudit({
        ...page(q, 'aud'),
        actor: q.actor,
        action: q.action,
        resourceType: q.resourceType,
        resourceId: q.resourceId,
        since: parseTime(q.since),
        until: parseTime(q.until),
      });
      return { data: result.data.map(renderAuditEntry), nextCursor: result.nextCursor };
    },
  );
};
