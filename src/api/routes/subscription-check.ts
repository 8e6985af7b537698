// POST /v1/subscriptions/{id}/check: the conformance check (src/receiver/check.ts) against the
// subscription's own receiver, with its URL, method, format, signing secret(s) and auth, through the
// delivery client as configured (SSRF guard, CA bundle). Answers the scorecard, 200 even when checks
// fail (the scorecard's `passed` says so); a URL the guard refuses is 422 url_not_allowed, before
// anything is sent. Nothing is stored: no message, no attempt, no health change.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import { publicBaseUrl } from '../../config/config.js';
import { HttpClient } from '../../delivery/http-client.js';
import { deliveryConnector, networkPolicy } from '../../delivery/ssrf.js';
import { HeraldError } from '../../domain/errors.js';
import { checkReceiver, DEFAULT_CHECK_TIMEOUT_MS, TargetNotAllowedError } from '../../receiver/check.js';
import { loadSubscription } from '../checks.js';
import type { ApiContext } from '../context.js';
import { errorResponses, IdParams } from '../schemas.js';

const MAX_CHECK_TIMEOUT_MS = 30_000; // per request: a check makes about ten, one after another

const CheckBody = Type.Object(
  {
    timeoutMs: Type.Optional(
      Type.Integer({
        minimum: 100,
        maximum: MAX_CHECK_TIMEOUT_MS,
        description: `Per request, in ms; default the subscription's timeout, at most ${DEFAULT_CHECK_TIMEOUT_MS}`,
      }),
    ),
  },
  { additionalProperties: false },
);

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const CheckResultSchema = Type.Object({
  name: Type.String({ description: 'valid, tampered_body, missing_signature, wrong_signature, timestamp_old, ...' }),
  description: Type.String(),
  status: Type.Union([Type.Literal('passed'), Type.Literal('failed'), Type.Literal('warning')]),
  expected: Type.String(),
  sent: Nullable(
    Type.Object({
      method: Type.String(),
      url: Type.String(),
      headers: Type.Record(Type.String(), Type.String(), { description: 'Credentials masked' }),
      body: Type.String({ description: 'Its size and start' }),
    }),
  ),
  received: Nullable(
    Type.Object({
      status: Nullable(Type.Integer()),
      body: Type.String({ description: 'The start of the response body' }),
      error: Nullable(Type.String()),
      durationMs: Type.Number(),
    }),
  ),
  why: Type.String(),
});

export const ScorecardSchema = Type.Object({
  url: Type.String(),
  passed: Type.Boolean({ description: 'Every check passed (warnings allowed)' }),
  summary: Type.Object({ passed: Type.Integer(), failed: Type.Integer(), warnings: Type.Integer() }),
  checks: Type.Array(CheckResultSchema),
  checkedAt: Type.String({ format: 'date-time' }),
});

export const subscriptionCheckRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store, config }) => {
  // Made at the first check: an API-only process that never checks opens no delivery client.
  let client: HttpClient | null = null;
  const clientOf = (): HttpClient => {
    client ??= new HttpClient({
      connectionsPerOrigin: 2,
      responseBodyCapBytes: config.responseBodyCapBytes,
      connect: deliveryConnector(config),
    });
    return client;
  };
  app.addHook('onClose', async () => {
    await client?.close();
  });

  app.post(
    '/subscriptions/:id/check',
    {
      config: { action: 'subscriptions.write', audit: 'subscription.check' },
      schema: {
        tags: ['subscriptions'],
        summary: 'Conformance check: send test requests (valid, tampered, unsigned, stale...) to the receiver and score its answers',
        params: IdParams,
        body: Type.Union([CheckBody, Type.Null()]),
        response: { 200: ScorecardSchema, ...errorResponses },
      },
    },
    async (request) => {
      const body: Static<typeof CheckBody> = request.body ?? {};
      const subscription = await loadSubscription(store, request, request.params.id);
      const timeoutMs = body.timeoutMs ?? Math.min(Math.round(subscription.timeoutSeconds * 1000), DEFAULT_CHECK_TIMEOUT_MS);
      try {
        return await checkReceiver(subscription, {
          client: clientOf(),
          policy: networkPolicy(config),
          publicUrl: publicBaseUrl(config),
          timeoutMs,
        });
      } catch (err) {
        if (err instanceof TargetNotAllowedError) throw new HeraldError('url_not_allowed', err.message);
        throw err;
      }
    },
  );
};
