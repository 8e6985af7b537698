// Operations routes, served without an API key: liveness, readiness (the store answers) and
// Prometheus metrics. Every role serves them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { registry } from '../../observability/metrics.js';
import type { ApiContext } from '../context.js';
import { errorBody } from '../errors.js';
import { ErrorSchema } from '../schemas.js';

const tags = ['operations'];
const Status = Type.Object({ status: Type.String() });

export const healthRoutes: FastifyPluginAsyncTypebox<Pick<ApiContext, 'store'>> = async (app, { store }) => {
  app.get(
    '/healthz',
    { schema: { tags, summary: 'Liveness: the process answers', security: [], response: { 200: Status } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    { schema: { tags, summary: 'Readiness: the database answers', security: [], response: { 200: Status, 503: ErrorSchema } } },
    async (request, reply) => {
      try {
        await store.ping();
      } catch (err) {
        request.log.warn({ err }, 'readiness check failed: the store does not answer');
        return reply.code(503).send(errorBody('store_unavailable'));
      }
      return { status: 'ready' };
    },
  );

  app.get(
    '/metrics',
    { schema: { tags, summary: 'Prometheus metrics', security: [], produces: ['text/plain'] } },
    async (_request, reply) => {
      const body = await registry.metrics();
      return reply.type(registry.contentType).send(body);
    },
  );
};
