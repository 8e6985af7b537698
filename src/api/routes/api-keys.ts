// /v1/api-keys: admin-only management of API keys. A new key is answered once, in the create
// answer; afterwards only its hash exists, so lists and reads never show it. Revoking drops the key
// from this process's authentication cache, so it stops working with the next request here (other
// processes: within the cache's 5 s).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { newApiKey } from '../../domain/api-keys.js';
import { HeraldError } from '../../domain/errors.js';
import { isId } from '../../domain/ids.js';
import type { Store } from '../../store/store.js';
import type { Authenticator } from '../auth.js';
import { assertId, orNotFound, page } from '../checks.js';
import type { ApiContext } from '../context.js';
import { parseTime, renderApiKey } from '../render.js';
import { ApiKeyCreate, ApiKeySchema, ApiKeyWithSecretSchema, errorResponses, IdParams, NoContent, Page, PageQuery } from '../schemas.js';

const tags = ['api keys'];

export interface ApiKeyRouteOptions extends ApiContext {
  auth: Pick<Authenticator, 'forget'>;
}

/** Revokes the key and forgets it in this process; not_found for an unknown id. */
async function revoke(store: Store, auth: Pick<Authenticator, 'forget'>, id: string) {
  assertId('key', id);
  const key = orNotFound(await store.revokeApiKey(id, Date.now()));
  auth.forget(key.hash);
  return key;
}

export const apiKeyRoutes: FastifyPluginAsyncTypebox<ApiKeyRouteOptions> = async (app, { store, auth }) => {
  app.post(
    '/api-keys',
    {
      config: { action: 'api-keys.write', audit: 'api-key.create' },
      schema: {
        tags,
        summary: 'Create an API key; the answer holds the key, shown this once',
        body: ApiKeyCreate,
        response: { 201: ApiKeyWithSecretSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const now = Date.now();
      const { key, record } = newApiKey(
        {
          name: body.name,
          scope: body.scope,
          subscriberId: body.subscriberId ?? null,
          expiresAt: body.expiresAt == null ? null : parseTime(body.expiresAt),
          allowedIps: body.allowedIps ?? null,
          rateLimit: body.rateLimit ?? null,
        },
        now,
      );
      if (record.subscriberId !== null && !(isId('sbr', record.subscriberId) && (await store.getSubscriber(record.subscriberId)))) {
        throw new HeraldError('unknown_subscriber');
      }
      const created = await store.createApiKey(record);
      return reply.code(201).send({ ...renderApiKey(created, now), key });
    },
  );

  app.get(
    '/api-keys',
    {
      config: { action: 'api-keys.read' },
      schema: {
        tags,
        summary: 'List API keys, newest first',
        querystring: PageQuery,
        response: { 200: Page(ApiKeySchema), ...errorResponses },
      },
    },
    async (request) => {
      const result = await store.listApiKeys(page(request.query, 'key'));
      const now = Date.now();
      return { data: result.data.map((k) => renderApiKey(k, now)), nextCursor: result.nextCursor };
    },
  );

  app.get(
    '/api-keys/:id',
    {
      config: { action: 'api-keys.read' },
      schema: {
        tags,
        summary: 'Get an API key (never the key itself)',
        params: IdParams,
        response: { 200: ApiKeySchema, ...errorResponses },
      },
    },
    async (request) => {
      assertId('key', request.params.id);
      return renderApiKey(orNotFound(await store.getApiKey(request.params.id)));
    },
  );

  app.post(
    '/api-keys/:id/revoke',
    {
      config: { action: 'api-keys.write', audit: 'api-key.revoke' },
      schema: {
        tags,
        summary: 'Revoke an API key; it stops working at once (other API processes: within 5 s)',
        params: IdParams,
        response: { 200: ApiKeySchema, ...errorResponses },
      },
    },
    async (request) => renderApiKey(await revoke(store, auth, request.params.id)),
  );

  app.delete(
    '/api-keys/:id',
    {
      config: { action: 'api-keys.write', audit: 'api-key.revoke' },
      schema: {
        tags,
        summary: 'Revoke an API key (it stays listed, as revoked)',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (request, reply) => {
      await revoke(store, auth, request.params.id);
      return reply.code(204).send(null);
    },
  );
};
