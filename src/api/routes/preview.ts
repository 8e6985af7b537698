// Preview (DESIGN.md §5): what a subscription, stored or a draft, would do with an event, without
// sending anything (src/delivery/preview.ts builds the answer with the attempt pipeline's own
// format and authorize stage):
//
// - POST /v1/subscriptions/{id}/preview with {type, data?, channels?} (an event made up for the
//   preview) or {eventId} (a stored event), and optionally `draft`: unsaved filter, payloadFormat,
//   template or templatePreset to try on the stored subscription (the dashboard's editor), checked
//   as PATCH checks them (422 invalid_filter / invalid_template with the position), never stored.
// - POST /v1/preview with {subscription: <a create body>, subscriberId?, event: {type, data?,
//   channels?}}: a draft, checked as a create would check it (422s included), never stored. Its
//   signing secret is a throwaway one, so the signature shows the form, not a value to verify.
//
// Both need what reading the subscription needs (subscriptions.read); a subscriber key previews
// only its own subscriptions and drafts, and only stored events it could have been sent (scoped to
// it, or broadcast with a type its subscription takes).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import { publicBaseUrl } from '../../config/config.js';
import { type Preview, previewDelivery } from '../../delivery/preview.js';
import { networkPolicy } from '../../delivery/ssrf.js';
import { HeraldError } from '../../domain/errors.js';
import { EVENT_TYPE_NAME_MAX, exampleData, isEventTypeName } from '../../domain/event-types.js';
import type { HeraldEvent, Subscription } from '../../domain/glossary.js';
import { newId } from '../../domain/ids.js';
import { typeMatches } from '../../fanout/match.js';
import type { Store } from '../../store/store.js';
import { confinedSubscriber, confineTo } from '../auth.js';
import { assertId, loadSubscription, orNotFound } from '../checks.js';
import type { ApiContext } from '../context.js';
import { CHANNEL_PATTERN, errorResponses, IdParams, StringMap, subscriptionBodies } from '../schemas.js';
import { checkFilter, checkPayloadShape } from '../subscription-shaping.js';
import { revealHeaders, subscriptionFromBody } from './subscriptions.js';

const tags = ['subscriptions'];

const EventType = Type.String({
  minLength: 1,
  maxLength: EVENT_TYPE_NAME_MAX,
  description: 'The event type (need not be in the catalogue)',
});
const EventData = Type.Unknown({ description: 'The event data, any JSON value; default {}' });
const EventChannels = Type.Array(Type.String({ minLength: 1, maxLength: 128, pattern: CHANNEL_PATTERN }), {
  maxItems: 50,
  description: 'The channels the event is sent on; default none',
});

const PreviewEvent = Type.Object(
  { type: EventType, data: Type.Optional(EventData), channels: Type.Optional(EventChannels) },
  { additionalProperties: false },
);

// The draft fields have no config-dependent bounds, so any config gives their schemas.
const patchFields = subscriptionBodies({ maxTimeoutSeconds: 1 }).patch.properties;

const SubscriptionPreviewBody = Type.Object(
  {
    type: Type.Optional(EventType),
    data: Type.Optional(EventData),
    channels: Type.Optional(EventChannels),
    eventId: Type.Optional(Type.String({ maxLength: 128, description: 'A stored event, instead of type and data' })),
    draft: Type.Optional(
      Type.Object(
        {
          filter: patchFields.filter,
          payloadFormat: patchFields.payloadFormat,
          template: patchFields.template,
          templatePreset: patchFields.templatePreset,
        },
        {
          additionalProperties: false,
          description:
            'Unsaved changes to try instead of the stored values, with the meaning and checks of PATCH (422 invalid_filter, invalid_template); nothing is stored',
        },
      ),
    ),
  },
  { additionalProperties: false, description: '{type, data?, channels?} or {eventId}, and optionally draft' },
);

export const PreviewSchema = Type.Object({
  matches: Type.Boolean({
    description:
      'The event would reach the subscription: its type matches, its subscriber scope and channels allow it, and every filter expression holds',
  }),
  reason: Type.Optional(
    Type.Union([Type.Literal('event_type'), Type.Literal('subscriber'), Type.Literal('channels'), Type.Literal('filter')], {
      description: 'Why it would not (the first reason)',
    }),
  ),
  filters: Type.Array(
    Type.Object({
      expression: Type.String(),
      result: Type.Union([Type.Boolean(), Type.Null()], { description: 'null: the expression failed on the event (it does not hold)' }),
      error: Type.Optional(Type.String()),
      code: Type.Optional(Type.String()),
    }),
  ),
  request: Type.Union(
    [
      Type.Object({
        method: Type.String(),
        url: Type.String(),
        headers: StringMap,
        body: Type.Union([Type.String(), Type.Null()], { description: 'The exact body; null for GET' }),
      }),
      Type.Null(),
    ],
    {
      description:
        'The request an attempt would send now, signed; credentials masked (********), OAuth 2.0 without fetching a token. webhook-id is a fresh id (a message has its own); the timestamp, signature and a JWT are made now, as each attempt makes its own. null when the payload format cannot render the event (see error)',
    },
  ),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
});

type PreviewEventBody = Static<typeof PreviewEvent>;

/** The event a preview made up: now, unscoped unless `subscriberId`; without data, its type's
 *  example from the catalogue (or `{}`), as Trigger now sends it. */
async function madeUpEvent(store: Store, body: PreviewEventBody, subscriberId: string | null, now: number): Promise<HeraldEvent> {
  if (!isEventTypeName(body.type)) throw new HeraldError('invalid_event_type_name', undefined, { type: body.type });
  const data = body.data !== undefined ? body.data : (exampleData(await store.getEventType(body.type)) ?? {});
  return {
    id: newId('evt', now),
    type: body.type,
    dataJson: JSON.stringify(data),
    idempotencyKey: null,
    subscriberId,
    channels: body.channels ?? null,
    createdAt: now,
  };
}

type Draft = NonNullable<Static<typeof SubscriptionPreviewBody>['draft']>;

/** The stored subscription with a draft's filter and payload shape, checked as PATCH checks them. */
function withDraft(stored: Subscription, draft: Draft): Subscription {
  const shaped =
    draft.payloadFormat !== undefined || draft.template !== undefined || draft.templatePreset !== undefined
      ? checkPayloadShape(draft, stored)
      : {};
  const filter = draft.filter !== undefined ? checkFilter(draft.filter) : stored.filter;
  return { ...stored, ...shaped, filter };
}

export const previewRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store, config }) => {
  const bodies = subscriptionBodies(config);
  const policy = networkPolicy(config);
  const publicUrl = publicBaseUrl(config);

  app.post(
    '/subscriptions/:id/preview',
    {
      config: { action: 'subscriptions.read', audit: false },
      schema: {
        tags,
        summary: 'Show what the subscription would do with an event, without sending anything',
        description:
          "Body: {type, data?, channels?} (an event made up now, unscoped) or {eventId} (a stored event), and optionally draft: {filter?, payloadFormat?, template?, templatePreset?} to try unsaved changes (checked as PATCH checks them, never stored). Answers whether the event would reach the subscription, each filter expression's result, and the exact request an attempt would send.",
        params: IdParams,
        body: SubscriptionPreviewBody,
        response: { 200: PreviewSchema, ...errorResponses },
      },
    },
    async (request): Promise<Preview> => {
      const stored = await loadSubscription(store, request, request.params.id);
      const body = request.body;
      const subscription = body.draft === undefined ? stored : withDraft(stored, body.draft);
      const now = Date.now();
      let event: HeraldEvent;
      if (body.eventId !== undefined) {
        if (body.type !== undefined || body.data !== undefined || body.channels !== undefined) {
          throw new HeraldError('bad_request', 'Give either eventId or type (with data and channels), not both');
        }
        assertId('evt', body.eventId);
        event = orNotFound(await store.getEvent(body.eventId));
        const own = confinedSubscriber(request);
        const couldReach = event.subscriberId === own || (event.subscriberId === null && typeMatches(subscription.eventTypes, event.type));
        if (own !== null && !couldReach) throw new HeraldError('not_found');
      } else {
        if (body.type === undefined) throw new HeraldError('bad_request', 'Give the event: {type, data?, channels?} or {eventId}');
        event = await madeUpEvent(store, { type: body.type, data: body.data, channels: body.channels }, null, now);
      }
      const description = (await store.getEventType(event.type))?.description ?? '';
      return previewDelivery(subscription, event, { publicUrl, description, revealHeaders: revealHeaders(request), now });
    },
  );

  app.post(
    '/preview',
    {
      config: { action: 'subscriptions.read', audit: false },
      schema: {
        tags,
        summary: 'Show what a draft subscription would do with an event, without storing or sending anything',
        description:
          "Body: {subscription: <the body of POST /v1/subscribers/{id}/subscriptions>, subscriberId?, event: {type, data?, channels?}}. The draft is checked as a create checks it (the same 4xx answers). subscriberId: the draft's subscriber (a subscriber key: its own, the default); none for other keys unless given. The draft is signed with a throwaway secret.",
        body: Type.Object(
          {
            subscription: bodies.create,
            subscriberId: Type.Optional(Type.String({ maxLength: 128 })),
            event: PreviewEvent,
          },
          { additionalProperties: false },
        ),
        response: { 200: PreviewSchema, ...errorResponses },
      },
    },
    async (request): Promise<Preview> => {
      const { subscription: draft, event: eventBody } = request.body;
      const subscriberId = confineTo(request, request.body.subscriberId) ?? '';
      if (subscriberId !== '') assertId('sbr', subscriberId);
      const now = Date.now();
      const subscription = await subscriptionFromBody(draft, subscriberId, now, config, policy);
      const event = await madeUpEvent(store, eventBody, null, now);
      // The draft's own custom headers: the caller just sent them.
      const description = (await store.getEventType(event.type))?.description ?? '';
      return previewDelivery(subscription, event, { publicUrl, description, revealHeaders: true, now });
    },
  );
};
