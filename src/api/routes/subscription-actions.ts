// Actions on one subscription beyond create/read/update/delete (DESIGN.md §5, §6):
//
// - POST /v1/subscriptions/{id}/secret/rotate: a new signing secret (generated, or the one given).
//   The previous secret stays valid for `expiresInSeconds` (default 24 h); until then every
//   delivery carries both signatures, new first, so receivers can switch over without a gap.
// - GET /v1/subscriptions/{id}/jwt-secret and POST .../jwt-secret/rotate: the same for the JWT
//   secret of a subscription whose auth is jwt (seed 002: viewable, copyable, regenerable like the
//   signing secret), with the same overlap rule (`rotation`); 409 auth_not_jwt for other auths.
// - POST /v1/subscriptions/{id}/test ("Trigger now", seed 002): sends a sample event to just this
//   subscription through the normal durable path — an event scoped to the subscription, with one
//   message that is retried and recorded like any other — and answers 202 with that message. With a
//   `type` and no `data`, the type's example is sent when it has one; given data must match the
//   type's schema, as at ingest.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import { HeraldError } from '../../domain/errors.js';
import { SchemaValidators, schemaValidationError } from '../../domain/event-schemas.js';
import { EVENT_TYPE_NAME_MAX, exampleData, isEventTypeName, unknownEventType } from '../../domain/event-types.js';
import type { HeraldEvent, JwtAuth, Subscription } from '../../domain/glossary.js';
import { newId } from '../../domain/ids.js';
import { newSecret } from '../../domain/subscriptions.js';
import { loadSubscription, orNotFound } from '../checks.js';
import type { ApiContext } from '../context.js';
import { iso, isoOrNull, renderMessage } from '../render.js';
import { errorResponses, IdParams, IsoTime, MessageSchema, SecretSchema } from '../schemas.js';
import { checkJwtSecret, newJwtSecret } from '../subscription-auth.js';

const tags = ['subscriptions'];
const DEFAULT_OVERLAP_SECONDS = 24 * 60 * 60; // the previous secret stays valid this long by default
const MAX_OVERLAP_SECONDS = 7 * 24 * 60 * 60; // and at most this long
const SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]+={0,2}$/;
const SECRET_MIN_BYTES = 24; // Standard Webhooks asks for at least 24 random bytes
const SECRET_MAX_BYTES = 64;
export const TEST_EVENT_TYPE = 'herald.test'; // sent by "Trigger now"; needs no catalogue entry

const RotateBody = Type.Object(
  {
    expiresInSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_OVERLAP_SECONDS,
        description: 'How long the previous secret stays valid (default 86400); 0 ends it now',
      }),
    ),
    secret: Type.Optional(
      Type.String({ maxLength: 200, description: 'Use this secret (whsec_ + base64 of 24-64 bytes) instead of a generated one' }),
    ),
  },
  { additionalProperties: false },
);

const JwtRotateBody = Type.Object(
  {
    expiresInSeconds: RotateBody.properties.expiresInSeconds,
    secret: Type.Optional(
      Type.String({ maxLength: 8_192, description: 'Use this JWT secret (16 to 512 characters) instead of a generated one' }),
    ),
  },
  { additionalProperties: false },
);

const RotateResponse = Type.Object({
  secret: Type.String({ description: 'The new secret' }),
  previousSecretExpiresAt: Type.Union([IsoTime, Type.Null()], {
    description: 'Until when deliveries are also signed with the previous secret',
  }),
});

const TestBody = Type.Object(
  {
    type: Type.Optional(Type.String({ minLength: 1, maxLength: EVENT_TYPE_NAME_MAX, description: `Default ${TEST_EVENT_TYPE}` })),
    data: Type.Optional(
      Type.Unknown({ description: "Any JSON value (matching the type's schema); default the type's example, or a small sample" }),
    ),
  },
  { additionalProperties: false },
);

/** A given secret, checked: `whsec_` and the base64 of 24 to 64 bytes. */
export function checkSecret(secret: string): string {
  if (!SECRET_PATTERN.test(secret)) throw new HeraldError('invalid_secret');
  const bytes = Buffer.from(secret.slice('whsec_'.length), 'base64').length;
  if (bytes < SECRET_MIN_BYTES || bytes > SECRET_MAX_BYTES) throw new HeraldError('invalid_secret');
  return secret;
}

/** A secret and the one it replaced, as a rotation leaves them. */
export interface Rotated {
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
}

/** The rule of every secret rotation: `next` replaces `current`, which stays valid for
 *  `expiresInSeconds` (default 24 h; 0, or the same secret again, keeps no previous one). */
export function rotation(current: string, next: string, expiresInSeconds: number | undefined, now: number): Rotated {
  const overlapMs = (expiresInSeconds ?? DEFAULT_OVERLAP_SECONDS) * 1000;
  const keepPrevious = overlapMs > 0 && current !== next;
  return { secret: next, previousSecret: keepPrevious ? current : null, previousSecretExpiresAt: keepPrevious ? now + overlapMs : null };
}

/** What GET .../secret and .../jwt-secret show: the secret, and the previous one while it is
 *  still valid, so a rotation's overlap can be seen (and the old value copied) after the fact. */
export function secretView(s: Rotated, now: number): Static<typeof SecretSchema> {
  const live = s.previousSecret !== null && s.previousSecretExpiresAt !== null && s.previousSecretExpiresAt > now;
  return {
    secret: s.secret,
    previousSecret: live ? s.previousSecret : null,
    previousSecretExpiresAt: live ? isoOrNull(s.previousSecretExpiresAt) : null,
  };
}

/** The subscription's JWT auth, or 409 auth_not_jwt. */
function jwtAuthOf(subscription: Subscription): JwtAuth {
  if (subscription.auth?.type !== 'jwt') {
    throw new HeraldError(
      'auth_not_jwt',
      `The subscription's auth is ${subscription.auth === null ? 'not set' : subscription.auth.type}, not jwt: it has no JWT secret. Set auth to {"type":"jwt"} with PATCH first`,
    );
  }
  return subscription.auth;
}

export const subscriptionActionRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store }) => {
  const schemas = new SchemaValidators(); // for data given to "Trigger now", which does not go through ingest
  app.post(
    '/subscriptions/:id/secret/rotate',
    {
      config: { action: 'subscriptions.secret', audit: 'subscription.rotate-secret' },
      schema: {
        tags,
        summary: 'Rotate the signing secret; the previous one stays valid for a while',
        params: IdParams,
        body: Type.Union([RotateBody, Type.Null()]),
        response: { 200: RotateResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params;
      const body: Static<typeof RotateBody> = request.body ?? {};
      const secret = body.secret !== undefined ? checkSecret(body.secret) : newSecret();
      const current = await loadSubscription(store, request, id);
      const now = Date.now();
      const updated = orNotFound(await store.updateSubscription(id, rotation(current.secret, secret, body.expiresInSeconds, now), now));
      return { secret: updated.secret, previousSecretExpiresAt: isoOrNull(updated.previousSecretExpiresAt) };
    },
  );

  app.get(
    '/subscriptions/:id/jwt-secret',
    {
      config: { action: 'subscriptions.secret' },
      schema: {
        tags,
        summary: 'The JWT secret of a subscription whose auth is jwt (409 auth_not_jwt otherwise)',
        params: IdParams,
        response: { 200: SecretSchema, ...errorResponses },
      },
    },
    async (request) => secretView(jwtAuthOf(await loadSubscription(store, request, request.params.id)), Date.now()),
  );

  app.post(
    '/subscriptions/:id/jwt-secret/rotate',
    {
      config: { action: 'subscriptions.secret', audit: 'subscription.rotate-jwt-secret' },
      schema: {
        tags,
        summary: 'Rotate the JWT secret; the previous one stays valid for a while, as with the signing secret',
        params: IdParams,
        body: Type.Union([JwtRotateBody, Type.Null()]),
        response: { 200: RotateResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params;
      const body: Static<typeof JwtRotateBody> = request.body ?? {};
      const secret = body.secret !== undefined ? checkJwtSecret(body.secret) : newJwtSecret();
      const current = jwtAuthOf(await loadSubscription(store, request, id));
      const now = Date.now();
      const auth: JwtAuth = { type: 'jwt', ...rotation(current.secret, secret, body.expiresInSeconds, now) };
      const updated = jwtAuthOf(orNotFound(await store.updateSubscription(id, { auth }, now)));
      return { secret: updated.secret, previousSecretExpiresAt: isoOrNull(updated.previousSecretExpiresAt) };
    },
  );

  app.post(
    '/subscriptions/:id/test',
    {
      config: { action: 'subscriptions.write', audit: 'subscription.test' },
      schema: {
        tags,
        summary: `"Trigger now": send a sample event (type ${TEST_EVENT_TYPE} unless given) to this subscription only`,
        params: IdParams,
        body: Type.Union([TestBody, Type.Null()]),
        response: { 202: MessageSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body: Static<typeof TestBody> = request.body ?? {};
      const subscription = await loadSubscription(store, request, request.params.id);
      const type = body.type ?? TEST_EVENT_TYPE;
      if (!isEventTypeName(type)) throw new HeraldError('invalid_event_type_name', undefined, { type });
      const eventType = type === TEST_EVENT_TYPE ? null : await store.getEventType(type);
      if (type !== TEST_EVENT_TYPE && !eventType) throw unknownEventType(type);
      const subscriber = orNotFound(await store.getSubscriber(subscription.subscriberId));
      if (!subscription.enabled || !subscriber.enabled) throw new HeraldError('subscription_disabled');
      const now = Date.now();
      const data =
        body.data !== undefined
          ? body.data
          : (exampleData(eventType) ?? { message: 'A test event from Herald', subscriptionId: subscription.id, sentAt: iso(now) });
      if (body.data !== undefined && eventType && eventType.schema !== null) {
        // Given data goes through the type's schema as at ingest; the example was checked when saved.
        const violation = schemas.get(eventType.name, eventType.updatedAt, () => eventType.schema)(JSON.stringify(body.data));
        if (violation) throw schemaValidationError(type, violation);
      }
      const event: HeraldEvent = {
        id: newId('evt', now),
        type,
        dataJson: JSON.stringify(data),
        idempotencyKey: null,
        subscriberId: subscription.subscriberId,
        channels: null,
        createdAt: now,
      };
      const message = orNotFound(await store.ingestForSubscription(event, subscription.id));
      return reply.code(202).send(renderMessage(message));
    },
  );
};
