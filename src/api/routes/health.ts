// Operations routes, served without an API key: liveness, readiness (the store answers and, after a
// write failed for want of a usable database — disk full, I/O error, read-only — a write succeeds
// again) and Prometheus metrics. Every role serves them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HeraldError } from '../../domain/errors.js';
import { registry } from '../../observability/metrics.js';
import type { ApiContext } from '../context.js';
import { errorBody, sendError } from '../errors.js';
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
        request.log.warn({ err }, 'readiness check failed: the store is unavailable');
        const reason = err instanceof HeraldError && err.code === 'store_unavailable' ? err.message : undefined;
        return sendError(reply, errorBody('store_unavailable', reason));
      }
      return { status: 'ready' };
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags,
        summary: 'Prometheus metrics',
        description: 'Every metric, or with `name` only that one (empty when this process has no such metric): a cheap poll.',
        security: [],
        produces: ['text/plain'],
        querystring: Type.Object({
          name: Type.Optional(Type.String({ pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$', maxLength: 200, description: 'one metric name' })),
        }),
      },
    },
    async (request, reply) => {
      const { name } = request.query;
      let body: string;
      if (name === undefined) body = await registry.metrics();
      // Looked up by its own name: prom-client keeps metrics in a plain object, where __proto__ is found too.
      else body = registry.getMetricsAsArray().some((m) => m.name === name) ? `${await registry.getSingleMetricAsString(name)}\n` : '';
      return reply.type(registry.contentType).send(body);
    },
  );
};
