import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import type { HeraldConfig } from '../../config/config.js';
import { type NetworkPolicy, networkPolicy } from '../../delivery/ssrf.js';
import { HeraldError } from '../../domain/errors.js';
import type { BatchSettings, HttpMethod, Subscription } from '../../domain/glossary.js';
import { disableHealth, enableHealth } from '../../domain/health.js';
import { OPERATOR_SUBSCRIBER_ID } from '../../domain/operational.js';
import { DEFAULT_RECOVER_STATUSES } from '../../domain/recovery.js';
import { seriesWindow } from '../../domain/stats.js';
import { newSubscription } from '../../domain/subscriptions.js';
import { filterErrorsOf } from '../../observability/filter-errors.js';
import type { SubscriptionPatch } from '../../store/store.js';
import { assertVisible, confineTo, SCOPE_ACTIONS } from '../auth.js';
import {
  assertId,
  checkEventTypePatterns,
  checkEventTypesExist,
  checkHeaders,
  checkTargetUrl,
  createSubscriptionUnder,
  loadSubscription,
  orNotFound,
  page,
} from '../checks.js';
import type { ApiContext } from '../context.js';
import { ensureOperatorSubscriber } from '../operator.js';
import { parseTime, renderStats, renderSubscription } from '../render.js';
import {
  errorResponses,
  IdParams,
  NoContent,
  Page,
  pageQuery,
  RecoverBody,
  RecoverResponse,
  SecretSchema,
  StatsQuery,
  StatsSchema,
  SubscriptionSchema,
  SubscriptionWithSecretSchema,
  subscriptionBodies,
  subscriptionListFilters,
} from '../schemas.js';
import { checkAuth, checkAuthHeaders, checkCustomData } from '../subscription-auth.js';
import { checkFilter, checkPayloadShape } from '../subscription-shaping.js';
import { secretView } from './subscription-actions.js';

/** Custom header values are credentials as often as not: only callers who may read the signing
 *  secret see them; `read` keys see the names with the values masked. */
export function revealHeaders(request: FastifyRequest): boolean {
  const principal = request.principal;
  return principal !== null && SCOPE_ACTIONS[principal.scope].has('subscriptions.secret');
}

const tags = ['subscriptions'];
const DEFAULT_STATS_WINDOW_MS = 24 * 60 * 60 * 1_000; // stats cover the last 24 h unless ?since= says otherwise

/** A batch is one request with a JSON array for its body: a GET subscription cannot batch. */
function checkBatch(method: HttpMethod, batch: BatchSettings | null): void {
  if (batch !== null && method === 'GET') throw new HeraldError('batch_not_allowed');
}

export type SubscriptionCreateBody = Static<ReturnType<typeof subscriptionBodies>['create']>;

/** A new subscription from a create body, every field checked (URL, patterns, headers, filter,
 *  template, auth): what POST .../subscriptions stores and POST /v1/preview shows a draft of. */
export async function subscriptionFromBody(
  body: SubscriptionCreateBody,
  subscriberId: string,
  now: number,
  config: HeraldConfig,
  policy: NetworkPolicy,
): Promise<Subscription> {
  const shape = checkPayloadShape(body, null);
  const subscription = newSubscription(
    {
      subscriberId,
      name: body.name,
      description: body.description,
      url: await checkTargetUrl(body.url, policy),
      method: body.method,
      eventTypes: checkEventTypePatterns(body.eventTypes),
      channels: body.channels,
      headers: checkHeaders(body.headers ?? {}),
      payloadFormat: shape.payloadFormat,
      retrySchedule: body.retrySchedule,
      timeoutSeconds: body.timeoutSeconds ?? config.timeoutSeconds,
      maxInFlight: body.maxInFlight,
      rateLimit: body.rateLimit,
      filter: checkFilter(body.filter ?? null),
      template: shape.template,
      templatePreset: shape.templatePreset,
      batch: body.batch === undefined || body.batch === null ? null : { ...body.batch, maxBytes: body.batch.maxBytes ?? null },
      auth: await checkAuth(body.auth ?? null, null, policy),
      signing: body.signing,
      customData: checkCustomData(body.customData ?? null),
      enabled: body.enabled,
    },
    now,
  );
  checkAuthHeaders(subscription.auth, subscription.headers);
  checkBatch(subscription.method, subscription.batch);
  return subscription;
}

export const subscriptionRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store, config }) => {
  const bodies = subscriptionBodies(config);
  const policy = networkPolicy(config); // the SSRF guard's: which networks URLs may point to

  app.post(
    '/subscribers/:id/subscriptions',
    {
      config: { action: 'subscriptions.write', audit: 'subscription.create' },
      schema: {
        tags,
        summary: 'Create a subscription; the answer holds its signing secret',
        params: IdParams,
        body: bodies.create,
        response: { 201: SubscriptionWithSecretSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const subscriberId = request.params.id;
      assertId('sbr', subscriberId);
      assertVisible(request, subscriberId);
      if (subscriberId === OPERATOR_SUBSCRIBER_ID && config.operationalWebhooks) await ensureOperatorSubscriber(store);
      const subscription = await subscriptionFromBody(request.body, subscriberId, Date.now(), config, policy);
      await checkEventTypesExist(store, subscription.eventTypes);
      const created = await createSubscriptionUnder(store, subscription);
      // The one answer that shows the credentials, the generated JWT secret among them, as it shows `secret`.
      return reply.code(201).send({ ...renderSubscription(created, true, true), secret: created.secret });
    },
  );

  app.get(
    '/subscribers/:id/subscriptions',
    {
      config: { action: 'subscriptions.read' },
      schema: {
        tags,
        summary: "List a subscriber's subscriptions, newest first, optionally those of one health status",
        params: IdParams,
        querystring: Type.Object({ ...pageQuery, ...subscriptionListFilters }, { additionalProperties: false }),
        response: { 200: Page(SubscriptionSchema), ...errorResponses },
      },
    },
    async (request) => {
      const subscriberId = request.params.id;
      assertId('sbr', subscriberId);
      assertVisible(request, subscriberId);
      orNotFound(await store.getSubscriber(subscriberId));
      const result = await store.listSubscriptions({ ...page(request.query, 'sub'), subscriberId, health: request.query.health });
      const reveal = revealHeaders(request);
      return { data: result.data.map((sub) => renderSubscription(sub, reveal)), nextCursor: result.nextCursor };
    },
  );

  app.get(
    '/subscriptions',
    {
      config: { action: 'subscriptions.read' },
      schema: {
        tags,
        summary: 'List subscriptions, newest first, optionally those of one subscriber or one health status',
        querystring: Type.Object(
          { ...pageQuery, subscriberId: Type.Optional(Type.String({ maxLength: 128 })), ...subscriptionListFilters },
          { additionalProperties: false },
        ),
        response: { 200: Page(SubscriptionSchema), ...errorResponses },
      },
    },
    async (request) => {
      const subscriberId = confineTo(request, request.query.subscriberId);
      const result = await store.listSubscriptions({ ...page(request.query, 'sub'), subscriberId, health: request.query.health });
      const reveal = revealHeaders(request);
      return { data: result.data.map((sub) => renderSubscription(sub, reveal)), nextCursor: result.nextCursor };
    },
  );

  app.get(
    '/subscriptions/:id',
    {
      config: { action: 'subscriptions.read' },
      schema: { tags, summary: 'Get a subscription', params: IdParams, response: { 200: SubscriptionSchema, ...errorResponses } },
    },
    async (request) => renderSubscription(await loadSubscription(store, request, request.params.id), revealHeaders(request)),
  );

  app.patch(
    '/subscriptions/:id',
    {
      config: { action: 'subscriptions.write', audit: 'subscription.update' },
      schema: {
        tags,
        summary:
          'Change a subscription; fields left out keep their value, null clears a nullable one. enabled: true clears its health (then POST .../recover resends what failed)',
        params: IdParams,
        body: bodies.patch,
        response: { 200: SubscriptionSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params;
      const current = await loadSubscription(store, request, id);
      const body = request.body;
      const now = Date.now();
      const patch: SubscriptionPatch = {};
      if (body.name !== undefined) patch.name = body.name;
      if (body.description !== undefined) patch.description = body.description;
      if (body.url !== undefined) patch.url = await checkTargetUrl(body.url, policy);
      if (body.method !== undefined) patch.method = body.method;
      if (body.eventTypes !== undefined) patch.eventTypes = checkEventTypePatterns(body.eventTypes);
      if (body.channels !== undefined) patch.channels = body.channels;
      if (body.headers !== undefined) patch.headers = checkHeaders(body.headers);
      if (body.payloadFormat !== undefined || body.template !== undefined || body.templatePreset !== undefined) {
        Object.assign(patch, checkPayloadShape(body, current));
      }
      if (body.filter !== undefined) patch.filter = checkFilter(body.filter);
      if (body.retrySchedule !== undefined) patch.retrySchedule = body.retrySchedule;
      if (body.timeoutSeconds !== undefined) patch.timeoutSeconds = body.timeoutSeconds;
      if (body.maxInFlight !== undefined) patch.maxInFlight = body.maxInFlight;
      if (body.rateLimit !== undefined) patch.rateLimit = body.rateLimit;
      if (body.batch !== undefined) patch.batch = body.batch === null ? null : { ...body.batch, maxBytes: body.batch.maxBytes ?? null };
      if (body.batch !== undefined || body.method !== undefined)
        checkBatch(patch.method ?? current.method, patch.batch !== undefined ? patch.batch : current.batch);
      if (body.auth !== undefined) patch.auth = await checkAuth(body.auth, current.auth, policy);
      if (body.signing !== undefined) patch.signing = body.signing;
      if (body.customData !== undefined) patch.customData = checkCustomData(body.customData);
      if (body.auth !== undefined || body.headers !== undefined) {
        checkAuthHeaders(patch.auth !== undefined ? patch.auth : current.auth, patch.headers ?? current.headers);
      }
      if (patch.eventTypes !== undefined) await checkEventTypesExist(store, patch.eventTypes);
      if (body.enabled !== undefined) patch.enabled = body.enabled;
      // Enabled again: healthy, counts and breaker cleared. Disabled: with that reason, whatever it was.
      if (body.enabled === true && !current.enabled) patch.health = enableHealth(current.health, now).health;
      if (body.enabled === false && current.enabled) patch.health = disableHealth(current.health, 'disabled_manually', now).health;
      return renderSubscription(orNotFound(await store.updateSubscription(id, patch, now)), revealHeaders(request));
    },
  );

  app.delete(
    '/subscriptions/:id',
    {
      config: { action: 'subscriptions.write', audit: 'subscription.delete' },
      schema: {
        tags,
        summary: 'Delete a subscription with its messages and attempts',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (request, reply) => {
      await loadSubscription(store, request, request.params.id);
      if (!(await store.deleteSubscription(request.params.id))) throw new HeraldError('not_found');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/subscriptions/:id/secret',
    {
      config: { action: 'subscriptions.secret' },
      schema: {
        tags,
        summary: "The subscription's signing secret, and the previous one while a rotation's overlap lasts",
        params: IdParams,
        response: { 200: SecretSchema, ...errorResponses },
      },
    },
    async (request) => {
      return secretView(await loadSubscription(store, request, request.params.id), Date.now());
    },
  );

  app.get(
    '/subscriptions/:id/stats',
    {
      config: { action: 'subscriptions.read' },
      schema: {
        tags,
        summary: 'The stats panel: counters since a time (default: the last 24 hours), the state now, attempts per minute over 24 hours',
        description:
          'Counters (messages, events, attempts and their outcomes, lastSuccessAt, lastFailureAt) cover what was created since `since`. failuresSinceLastSuccess, lastEventAt, nextAttemptAt, lastSuccess and lastFailure tell the state now, whenever those happened. series counts attempts by the minute they were made, over the 1,440 minutes ending with the current one. An attempt succeeded when the receiver answered 2xx.',
        params: IdParams,
        querystring: StatsQuery,
        response: { 200: StatsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const subscription = await loadSubscription(store, request, request.params.id);
      const now = Date.now();
      const since = parseTime(request.query.since) ?? now - DEFAULT_STATS_WINDOW_MS;
      const stats = await store.subscriptionStats(subscription.id, { since, now, series: seriesWindow(now) });
      return renderStats(subscription.id, since, stats, filterErrorsOf(subscription.id));
    },
  );

  app.post(
    '/subscriptions/:id/recover',
    {
      config: { action: 'subscriptions.write', audit: 'subscription.recover' },
      schema: {
        tags,
        summary: 'Send again, now, the failed (or, on request, retrying) messages of the subscription created since a time',
        description:
          'Each becomes pending and due now, with a fresh retry budget, its next attempt recorded as manual (as resend does). A message whose attempt is under way is left to it and counted in inFlight.',
        params: IdParams,
        body: RecoverBody,
        response: { 202: RecoverResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const subscription = await loadSubscription(store, request, request.params.id);
      const { since, status = DEFAULT_RECOVER_STATUSES } = request.body;
      const result = await store.recoverMessages(subscription.id, { since: parseTime(since), statuses: status }, Date.now());
      return reply.code(202).send({ messages: result.recovered, inFlight: result.inFlight });
    },
  );
};
