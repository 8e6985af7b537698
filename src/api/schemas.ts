// The API's JSON shapes (issue 2 is the contract: camelCase, times as ISO 8601 strings). Route
// schemas validate requests, serialize responses and generate the OpenAPI document, so a field
// named here is a field users see.
import { type Static, type TLiteral, type TSchema, type TUnion, Type } from 'typebox';
import type { HeraldConfig } from '../config/config.js';
import { EVENT_TYPE_NAME_MAX } from '../domain/event-types.js';
import {
  API_KEY_SCOPES,
  ATTEMPT_TRIGGERS,
  AUTH_TYPES,
  BREAKER_STATES,
  HEALTH_REASONS,
  HEALTH_STATUSES,
  HTTP_METHODS,
  MESSAGE_STATUSES,
  PAYLOAD_FORMATS,
  TEMPLATE_PRESET_NAMES,
} from '../domain/glossary.js';
import { DEFAULT_RECOVER_STATUSES, MAX_BULK_RESEND, RECOVERABLE_STATUSES } from '../domain/recovery.js';

// ---- Building blocks ----

export const IsoTime = Type.String({ format: 'date-time' });
export const NullableIsoTime = Type.Union([IsoTime, Type.Null()]);
export const StringMap = Type.Record(Type.String(), Type.String());
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A union of the literals of one of the glossary's lists: the schema follows the vocabulary. */
type Literals<T extends readonly string[]> = T extends readonly [infer H extends string, ...infer R extends readonly string[]]
  ? [TLiteral<H>, ...Literals<R>]
  : [];
const OneOf = <const T extends readonly string[]>(values: T): TUnion<Literals<T>> =>
  Type.Union(values.map((v) => Type.Literal(v))) as TUnion<Literals<T>>;

export const MethodSchema = OneOf(HTTP_METHODS);
export const PayloadFormatSchema = OneOf(PAYLOAD_FORMATS);
export const TemplatePresetSchema = OneOf(TEMPLATE_PRESET_NAMES);
export const MessageStatusSchema = OneOf(MESSAGE_STATUSES);
export const TriggerSchema = OneOf(ATTEMPT_TRIGGERS);
export const HealthStatusSchema = OneOf(HEALTH_STATUSES);

export const CHANNEL_PATTERN = '^[A-Za-z0-9_.:-]+$';
const Channel = Type.String({ minLength: 1, maxLength: 128, pattern: CHANNEL_PATTERN });
const Channels = Type.Array(Channel, { maxItems: 50 });

export const ErrorSchema = Type.Object({
  code: Type.String({ description: 'Stable snake_case error code' }),
  message: Type.String(),
  details: Type.Optional(Type.Unknown()),
});

/** The error answers every route may give, for the OpenAPI document and the serializer. */
export const errorResponses = { '4xx': ErrorSchema, '5xx': ErrorSchema } as const;

export const NoContent = Type.Null({ description: 'Done; no body' });

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 1_000;

export const pageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })),
  cursor: Type.Optional(Type.String({ maxLength: 256, description: 'nextCursor of the previous page' })),
};
export const PageQuery = Type.Object(pageQuery, { additionalProperties: false });

export function Page<T extends TSchema>(item: T) {
  return Type.Object({ data: Type.Array(item), nextCursor: Nullable(Type.String()) });
}

export const IdParams = Type.Object({ id: Type.String({ maxLength: 128 }) });
export const NameParams = Type.Object({ name: Type.String({ maxLength: EVENT_TYPE_NAME_MAX + 1 }) });

// ---- Event types ----

const JsonSchemaObject = Type.Record(Type.String(), Type.Unknown(), {
  description: 'A JSON Schema (2020-12, or draft-07 when $schema says so) the data of events of this type must match',
});
const Example = Type.Unknown({ description: 'Example data of an event of this type (any JSON; must match the schema); null: none' });

export const EventTypeSchema = Type.Object({
  name: Type.String(),
  description: Type.String(),
  schema: Type.Unknown({ description: 'JSON Schema of the data, or null' }),
  example: Type.Unknown({ description: 'Example data, or null' }),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type EventTypeJson = Static<typeof EventTypeSchema>;

const EventTypeName = Type.String({
  minLength: 1,
  maxLength: EVENT_TYPE_NAME_MAX,
  description: 'Lowercase dotted words: salesorder.created',
});
const EventTypeDescription = Type.String({ maxLength: 4_096 });

export const EventTypeCreate = Type.Object(
  {
    name: EventTypeName,
    description: Type.Optional(EventTypeDescription),
    schema: Type.Optional(Nullable(JsonSchemaObject)),
    example: Type.Optional(Example),
  },
  { additionalProperties: false },
);

export const EventTypePatch = Type.Object(
  {
    description: Type.Optional(EventTypeDescription),
    schema: Type.Optional(Nullable(JsonSchemaObject)),
    example: Type.Optional(Example),
  },
  { additionalProperties: false },
);

export const MAX_EVENT_TYPE_IMPORT = 1_000; // event types per import request
export const EventTypeImportEntry = Type.Object(
  {
    name: EventTypeName,
    description: Type.Optional(EventTypeDescription),
    schema: Type.Optional(Nullable(JsonSchemaObject)),
    example: Type.Optional(Example),
  },
  { additionalProperties: false, description: 'A field left out keeps its stored value (for a new event type: none)' },
);
export type EventTypeImportEntryBody = Static<typeof EventTypeImportEntry>;
export const EventTypeImport = Type.Object(
  { eventTypes: Type.Array(EventTypeImportEntry, { maxItems: MAX_EVENT_TYPE_IMPORT }) },
  { additionalProperties: false },
);
export type EventTypeImportBody = Static<typeof EventTypeImport>;

export const EventTypeImportResponse = Type.Object({
  created: Type.Integer({ description: 'Event types added to the catalogue' }),
  updated: Type.Integer({ description: 'Existing ones whose description, schema or example changed' }),
  unchanged: Type.Integer({ description: 'Existing ones the import left as they were' }),
});

// ---- Subscribers ----

const Metadata = Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 4_096 }), { maxProperties: 64 });

export const SubscriberSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  enabled: Type.Boolean(),
  metadata: Nullable(StringMap),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type SubscriberJson = Static<typeof SubscriberSchema>;

export const SubscriberCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    enabled: Type.Optional(Type.Boolean()),
    metadata: Type.Optional(Nullable(Metadata)),
  },
  { additionalProperties: false },
);

export const SubscriberPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    enabled: Type.Optional(Type.Boolean()),
    metadata: Type.Optional(Nullable(Metadata)),
  },
  { additionalProperties: false },
);

// ---- Subscriptions ----

export const MAX_RETRY_SCHEDULE = 50; // entries
export const MAX_IN_FLIGHT = 10_000; // a subscription's maxInFlight, as the largest HERALD_CONCURRENCY
export const MAX_RATE_LIMIT = 1_000_000; // a subscription's rateLimit.limit
export const MAX_RATE_PERIOD_SECONDS = 86_400; // a subscription's rateLimit.periodSeconds: a day
export const MAX_URL_LENGTH = 2_048; // characters
// A subscription's batch settings (issue 18):
export const BATCH_MIN_EVENTS = 2; // members per batch request, at least
export const BATCH_MAX_EVENTS = 1_000; // members per batch request, at most
export const BATCH_MIN_WAIT_MS = 100; // the longest a member waits for its batch, at least
export const BATCH_MAX_WAIT_MS = 60_000; // ... at most: a minute
export const BATCH_MIN_BYTES = 1_024; // a batch body's byte limit, at least
export const BATCH_MAX_BYTES = 16 * 1_048_576; // ... at most: 16 MiB

export const HealthSchema = Type.Object(
  {
    status: HealthStatusSchema,
    reason: Nullable(OneOf(HEALTH_REASONS)),
    since: IsoTime,
    consecutiveFailures: Type.Integer({ description: 'Attempts in a row that did not succeed' }),
    failingSince: Type.Union([IsoTime, Type.Null()], {
      description: 'The first failed attempt after the last success; null while the last attempt succeeded',
    }),
    lastSuccessAt: Type.Union([IsoTime, Type.Null()], { description: 'When the last attempt answered 2xx was made; null: none yet' }),
    lastFailureAt: Type.Union([IsoTime, Type.Null()], {
      description: 'When the last attempt that failed (another answer, a timeout, an error) was made; null: none yet',
    }),
    failedMessages: Type.Integer({ description: 'Messages failed for good (retries used up) since failingSince' }),
    breaker: Type.Object({
      state: OneOf(BREAKER_STATES),
      openedAt: NullableIsoTime,
      until: Type.Union([IsoTime, Type.Null()], {
        description: 'open: when the next probe may go; half_open: when the probe in flight times out',
      }),
    }),
  },
  {
    description:
      'disabled: not enabled (reason disabled_manually, endpoint_gone or out_of_order); failing: the breaker is open, or as many attempts in a row failed as open it; degraded: fewer did; healthy otherwise',
  },
);
export type HealthJson = Static<typeof HealthSchema>;

export const AuthTypeSchema = OneOf(AUTH_TYPES);
const AUTH_DESCRIPTION =
  'How requests authenticate to the receiver beside the signature. jwt: {type, secret?} (Authorization: Bearer <HS256 JWT>; secret 16-512 characters, generated when left out); basic: {type, username, password} (username without ":"); oauth2: {type, tokenUrl, clientId, clientSecret, scope?, audience?} (client credentials; tokenUrl checked like url); apiKey: {type, header, value} (any valid header name Herald does not set itself: not content-type, user-agent, host, content-length, webhook-*...). On update, an auth of the stored type may leave its credential out to keep the stored one. Answers mask credentials ("********") except the create answer; GET .../jwt-secret shows the JWT secret. null: none';

/** A subscription's auth in answers: credentials masked ("********") except in the create answer. */
export const AuthSchema = Type.Object(
  {
    type: AuthTypeSchema,
    secret: Type.Optional(Type.String({ description: 'jwt: the JWT secret' })),
    previousSecret: Type.Optional(
      Nullable(Type.String({ description: 'jwt: the secret a rotation replaced, valid until previousSecretExpiresAt' })),
    ),
    previousSecretExpiresAt: Type.Optional(NullableIsoTime),
    username: Type.Optional(Type.String()),
    password: Type.Optional(Type.String()),
    tokenUrl: Type.Optional(Type.String()),
    clientId: Type.Optional(Type.String()),
    clientSecret: Type.Optional(Type.String()),
    scope: Type.Optional(Nullable(Type.String())),
    audience: Type.Optional(Nullable(Type.String())),
    header: Type.Optional(Type.String()),
    value: Type.Optional(Type.String()),
  },
  {
    description:
      'jwt: secret, previousSecret, previousSecretExpiresAt; basic: username, password; oauth2: tokenUrl, clientId, clientSecret, scope, audience; apiKey: header, value',
  },
);

/** The auth of a create or update body; src/api/subscription-auth.ts checks which fields its type takes. */
export const AuthBody = Type.Object(
  {
    type: AuthTypeSchema,
    secret: Type.Optional(Type.String({ maxLength: 8_192 })),
    username: Type.Optional(Type.String({ maxLength: 8_192 })),
    password: Type.Optional(Type.String({ maxLength: 8_192 })),
    tokenUrl: Type.Optional(Type.String({ maxLength: MAX_URL_LENGTH })),
    clientId: Type.Optional(Type.String({ maxLength: 8_192 })),
    clientSecret: Type.Optional(Type.String({ maxLength: 8_192 })),
    scope: Type.Optional(Nullable(Type.String({ maxLength: 8_192 }))),
    audience: Type.Optional(Nullable(Type.String({ maxLength: 8_192 }))),
    header: Type.Optional(Type.String({ maxLength: 8_192 })),
    value: Type.Optional(Type.String({ maxLength: 8_192 })),
  },
  { additionalProperties: false, description: AUTH_DESCRIPTION },
);

export const CustomDataSchema = Type.Record(Type.String(), Type.Unknown(), {
  description: "A JSON object of at most 64 KB (65536 bytes as JSON): the cloudblue body's and the JWT's `data`",
});

// Bounds on what a body may hold; the real limits (20 expressions of 1,000 characters) are the
// compiler's, which refuses with 422 invalid_filter naming the expression.
const MAX_FILTER_BODY_CHARS = 10_000;
const MAX_FILTER_BODY_ITEMS = 100;
const FILTER_DESCRIPTION =
  "CEL expressions over the event, all of which must hold for it to reach the subscription (seed 004: `order.total > 100`). Variables: the data's top-level keys, `data`, and `event` {id, type, timestamp, subscriberId, channels, description}. At most 20, each at most 1000 characters; compiled when saved (422 invalid_filter with the position). null: every event of its types";
const TEMPLATE_DESCRIPTION =
  "With payloadFormat template: a JSON document whose string values hold {{ CEL }} holes over the same variables as filters; a string that is exactly one hole keeps the value's JSON type. At most 64 KB; compiled when saved (422 invalid_template with the path and position). null otherwise";

const subscriptionProperties = {
  id: Type.String(),
  subscriberId: Type.String(),
  name: Nullable(Type.String()),
  description: Nullable(Type.String()),
  url: Type.String(),
  method: MethodSchema,
  eventTypes: Type.Array(Type.String()),
  channels: Nullable(Type.Array(Type.String())),
  headers: StringMap,
  payloadFormat: PayloadFormatSchema,
  retrySchedule: Nullable(Type.Array(Type.Number())),
  timeoutSeconds: Type.Number(),
  maxInFlight: Nullable(Type.Integer()),
  rateLimit: Nullable(Type.Object({ limit: Type.Integer(), periodSeconds: Type.Number() })),
  filter: Nullable(Type.Array(Type.String(), { description: FILTER_DESCRIPTION })),
  template: Type.Unknown({ description: TEMPLATE_DESCRIPTION }),
  templatePreset: Nullable(TemplatePresetSchema),
  batch: Nullable(Type.Object({ maxEvents: Type.Integer(), maxWaitMs: Type.Integer(), maxBytes: Nullable(Type.Integer()) })),
  auth: Nullable(AuthSchema),
  signing: Type.Boolean({ description: 'Standard Webhooks signature headers on every request' }),
  customData: Nullable(CustomDataSchema),
  enabled: Type.Boolean(),
  health: HealthSchema,
  createdAt: IsoTime,
  updatedAt: IsoTime,
};

/** Lists of subscriptions filter on health. */
export const subscriptionListFilters = {
  health: Type.Optional(HealthStatusSchema),
};

export const SubscriptionSchema = Type.Object(subscriptionProperties);
export type SubscriptionJson = Static<typeof SubscriptionSchema>;
export const SubscriptionWithSecretSchema = Type.Object({
  ...subscriptionProperties,
  secret: Type.String({ description: 'Standard Webhooks signing secret; shown here once' }),
});
export const SecretSchema = Type.Object({
  secret: Type.String(),
  previousSecret: Type.Union([Type.String(), Type.Null()], {
    description: 'The secret the last rotation replaced, while it is still valid (deliveries carry both signatures); null otherwise',
  }),
  previousSecretExpiresAt: Type.Union([IsoTime, Type.Null()], { description: 'Until when previousSecret stays valid; null with it' }),
});

/** A subscription's batch settings as create and patch take them (README, "Batches"). */
export const BatchBody = Type.Object(
  {
    maxEvents: Type.Integer({ minimum: BATCH_MIN_EVENTS, maximum: BATCH_MAX_EVENTS, description: 'Most messages per batch request' }),
    maxWaitMs: Type.Integer({
      minimum: BATCH_MIN_WAIT_MS,
      maximum: BATCH_MAX_WAIT_MS,
      description: 'The longest the oldest message waits for its batch, in ms',
    }),
    maxBytes: Type.Optional(
      Nullable(
        Type.Integer({
          minimum: BATCH_MIN_BYTES,
          maximum: BATCH_MAX_BYTES,
          description: 'Most bytes in a batch body (a single larger message goes alone); null: no byte limit',
        }),
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Messages wait until one of the limits, then go as one request whose body is a JSON array of their payloads; all or nothing. null: one request per message. Not for GET subscriptions (422 batch_not_allowed)',
  },
);

/** Create and patch bodies; timeout bounds come from the configuration. */
export function subscriptionBodies(config: Pick<HeraldConfig, 'maxTimeoutSeconds'>) {
  const fields = {
    name: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
    description: Type.Optional(Nullable(Type.String({ maxLength: 4_096 }))),
    method: Type.Optional(MethodSchema),
    eventTypes: Type.Array(Type.String(), {
      minItems: 1,
      maxItems: 256,
      description: 'Exact names (salesorder.created) or wildcards (salesorder.*, *)',
    }),
    channels: Type.Optional(Nullable(Channels)),
    headers: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 8_192 }), { maxProperties: 64 })),
    payloadFormat: Type.Optional(PayloadFormatSchema),
    retrySchedule: Type.Optional(
      Nullable(
        Type.Array(Type.Number({ minimum: 0 }), {
          maxItems: MAX_RETRY_SCHEDULE,
          description: 'Seconds to wait before each retry; overrides the default schedule',
        }),
      ),
    ),
    timeoutSeconds: Type.Optional(Type.Number({ minimum: 1, maximum: config.maxTimeoutSeconds })),
    maxInFlight: Type.Optional(
      Nullable(
        Type.Integer({
          minimum: 1,
          maximum: MAX_IN_FLIGHT,
          description: 'Most attempts in flight at once per delivering process (1: one at a time); null: adaptive',
        }),
      ),
    ),
    rateLimit: Type.Optional(
      Nullable(
        Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: MAX_RATE_LIMIT, description: 'Attempts allowed per period' }),
            periodSeconds: Type.Number({ exclusiveMinimum: 0, maximum: MAX_RATE_PERIOD_SECONDS, description: 'The period, in seconds' }),
          },
          {
            additionalProperties: false,
            description:
              'At most `limit` attempts per `periodSeconds`, shared by every worker; throttled messages wait their turn. null: no limit',
          },
        ),
      ),
    ),
    filter: Type.Optional(
      Nullable(
        Type.Array(Type.String({ maxLength: MAX_FILTER_BODY_CHARS }), { maxItems: MAX_FILTER_BODY_ITEMS, description: FILTER_DESCRIPTION }),
      ),
    ),
    template: Type.Optional(Type.Unknown({ description: TEMPLATE_DESCRIPTION })),
    templatePreset: Type.Optional(Nullable(TemplatePresetSchema)),
    batch: Type.Optional(Nullable(BatchBody)),
    auth: Type.Optional(Nullable(AuthBody)),
    signing: Type.Optional(Type.Boolean({ description: 'Standard Webhooks signature headers on every request (default true)' })),
    customData: Type.Optional(Nullable(CustomDataSchema)),
    enabled: Type.Optional(Type.Boolean()),
  };
  const create = Type.Object({ ...fields, url: Type.String({ description: 'Absolute http(s) URL' }) }, { additionalProperties: false });
  const patch = Type.Object(
    { ...fields, url: Type.Optional(Type.String()), eventTypes: Type.Optional(fields.eventTypes) },
    { additionalProperties: false },
  );
  return { create, patch };
}

export const RecoverStatusSchema = OneOf(RECOVERABLE_STATUSES);
export const RecoverBody = Type.Object(
  {
    since: IsoTime,
    status: Type.Optional(
      Type.Array(RecoverStatusSchema, {
        minItems: 1,
        maxItems: RECOVERABLE_STATUSES.length,
        uniqueItems: true,
        description: `Which messages to send again; default ${JSON.stringify(DEFAULT_RECOVER_STATUSES)}`,
      }),
    ),
  },
  { additionalProperties: false },
);
export const RecoverResponse = Type.Object({
  messages: Type.Integer({ description: 'How many messages were queued again, due now' }),
  inFlight: Type.Integer({
    description: 'How many matched but had an attempt under way: left to that attempt, whose outcome decides what comes next',
  }),
});

export const StatsQuery = Type.Object({ since: Type.Optional(IsoTime) }, { additionalProperties: false });
const NullableIsoTimeOf = (description: string) => Type.Union([IsoTime, Type.Null()], { description });
const AttemptRef = Type.Object({ at: IsoTime, attemptId: Type.String({ description: 'GET /v1/attempts/{attemptId} shows it' }) });
const AttemptRefOf = (description: string) => Type.Union([AttemptRef, Type.Null()], { description });
export const StatsSchema = Type.Object({
  subscriptionId: Type.String(),
  since: IsoTime,
  messages: Type.Object(
    { pending: Type.Integer(), succeeded: Type.Integer(), retrying: Type.Integer(), failed: Type.Integer() },
    { description: 'Messages created since `since`, by status' },
  ),
  events: Type.Integer({ description: 'Events the subscription got since `since` (one message each)' }),
  attempts: Type.Integer({ description: 'Attempts made since `since` ("triggers"), retries and manual ones included' }),
  attemptsSucceeded: Type.Integer({ description: 'Of those, answered 2xx ("success responses")' }),
  attemptsFailed: Type.Integer({ description: 'Of those, any other answer or none ("failure responses")' }),
  lastSuccessAt: NullableIsoTimeOf('The last success since `since`'),
  lastFailureAt: NullableIsoTimeOf('The last failure since `since`'),
  averageDurationMs: Nullable(Type.Number()),
  failuresSinceLastSuccess: Type.Integer({
    description: 'Failed attempts after the last successful one, whenever it was (all of them if none ever succeeded)',
  }),
  lastEventAt: NullableIsoTimeOf('When the subscription last got an event, whenever that was'),
  nextAttemptAt: NullableIsoTimeOf(
    'When the next attempt of a pending or retrying message is due ("next trigger"; may be past: due now); attempts under way are not counted',
  ),
  lastSuccess: AttemptRefOf('The last successful attempt, whenever it was'),
  lastFailure: AttemptRefOf('The last failed attempt, whenever it was'),
  filterErrors: Type.Object(
    {
      count: Type.Integer({ description: 'Filter expressions that failed on an event (one per expression per event)' }),
      last: Type.Union([
        Type.Object({
          at: IsoTime,
          index: Type.Integer({ description: "The expression's index in filter" }),
          expression: Type.String(),
          code: Type.String({ description: 'no_such_key, no_such_overload, not_a_bool, regex_input_too_long, evaluation_too_long, ...' }),
          message: Type.String(),
        }),
        Type.Null(),
      ]),
    },
    {
      description:
        "Events the subscription's filter could not evaluate (a missing key, a wrong type): they did not reach it. Counted in memory by the process that ingested them, since it started (not stored, not since `since`); with several API processes, each counts its own",
    },
  ),
  series: Type.Object(
    {
      start: IsoTime,
      intervalSeconds: Type.Integer(),
      succeeded: Type.Array(Type.Integer()),
      failed: Type.Array(Type.Integer()),
    },
    {
      description:
        'Attempts per minute over the last 24 hours, by when they were made: 1,440 buckets, oldest first, the last one the current minute; bucket i starts at start + i × intervalSeconds',
    },
  ),
});

export type StatsJson = Static<typeof StatsSchema>;

// ---- Events ----

export const MAX_IDEMPOTENCY_KEY = 256; // characters, in the body or the Idempotency-Key header
export const EventCreate = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: EVENT_TYPE_NAME_MAX }),
    data: Type.Unknown({ description: 'Any JSON value' }),
    idempotencyKey: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY })),
    subscriberId: Type.Optional(Nullable(Type.String({ maxLength: 128 }))),
    channels: Type.Optional(Nullable(Channels)),
  },
  { additionalProperties: false },
);
export type EventCreateBody = Static<typeof EventCreate>;
export const IdempotencyHeader = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: MAX_IDEMPOTENCY_KEY,
      description: "The same as the body's idempotencyKey; both may be sent if they agree",
    }),
  ),
});

export const MAX_BATCH = 1_000; // events per batch request
export const EventBatch = Type.Object(
  { events: Type.Array(EventCreate, { minItems: 1, maxItems: MAX_BATCH }) },
  { additionalProperties: false },
);

export const IngestResponse = Type.Object({
  id: Type.String(),
  type: Type.String(),
  createdAt: IsoTime,
  messages: Type.Integer({ description: 'How many messages the event fanned out to' }),
});
export type IngestJson = Static<typeof IngestResponse>;
export const BatchItemError = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }),
});
export const BatchResponse = Type.Object({ data: Type.Array(Type.Union([IngestResponse, BatchItemError])) });

export const EventSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  data: Type.Unknown(),
  idempotencyKey: Nullable(Type.String()),
  subscriberId: Nullable(Type.String()),
  channels: Nullable(Type.Array(Type.String())),
  createdAt: IsoTime,
});
export type EventJson = Static<typeof EventSchema>;

export const EventsQuery = Type.Object(
  {
    ...pageQuery,
    type: Type.Optional(Type.String({ maxLength: EVENT_TYPE_NAME_MAX })),
    subscriberId: Type.Optional(Type.String({ maxLength: 128 })),
    since: Type.Optional(IsoTime),
    until: Type.Optional(IsoTime),
  },
  { additionalProperties: false },
);

// ---- Messages and attempts ----

export const MessageSchema = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  eventType: Type.String(),
  subscriberId: Type.String(),
  subscriptionId: Type.String(),
  url: Type.String(),
  status: MessageStatusSchema,
  attempts: Type.Integer(),
  retries: Type.Integer({ description: 'Scheduled retries used so far' }),
  nextAttemptAt: NullableIsoTime,
  lastStatusCode: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type MessageJson = Static<typeof MessageSchema>;

const messageFilters = {
  subscriberId: Type.Optional(Type.String({ maxLength: 128 })),
  subscriptionId: Type.Optional(Type.String({ maxLength: 128 })),
  eventType: Type.Optional(Type.String({ maxLength: EVENT_TYPE_NAME_MAX })),
  status: Type.Optional(MessageStatusSchema),
  since: Type.Optional(IsoTime),
  until: Type.Optional(IsoTime),
};

export const MessagesQuery = Type.Object(
  { ...pageQuery, ...messageFilters, eventId: Type.Optional(Type.String({ maxLength: 128 })) },
  { additionalProperties: false },
);

export const ResendMessagesBody = Type.Object(
  {
    ...messageFilters,
    eventId: Type.Optional(Type.String({ maxLength: 128 })),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_BULK_RESEND,
        default: MAX_BULK_RESEND,
        description: 'Most messages this call sends again, newest first; the rest are left to the next call (nextCursor)',
      }),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 256, description: 'nextCursor of the previous call with the same filters' })),
  },
  { additionalProperties: false },
);
export const ResendMessagesResponse = Type.Object({
  resent: Type.Integer({ description: 'How many messages were queued again, due now' }),
  inFlight: Type.Integer({
    description: 'How many matched but had an attempt under way: left to that attempt, whose outcome decides what comes next',
  }),
  nextCursor: Nullable(
    Type.String({ description: 'More messages match than `limit`: send the same filters again with this cursor to go on' }),
  ),
});

export const AttemptSchema = Type.Object({
  id: Type.String(),
  messageId: Type.String(),
  subscriptionId: Type.String(),
  subscriberId: Type.String(),
  eventType: Type.String(),
  statusCode: Nullable(Type.Integer()),
  durationMs: Type.Number(),
  error: Nullable(Type.String()),
  requestHeaders: StringMap,
  responseHeaders: StringMap,
  responseBody: Type.String(),
  trigger: TriggerSchema,
  createdAt: IsoTime,
});
export type AttemptJson = Static<typeof AttemptSchema>;

export const AttemptsQuery = Type.Object(
  {
    ...pageQuery,
    ...messageFilters,
    messageId: Type.Optional(Type.String({ maxLength: 128 })),
    statusCode: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
  },
  { additionalProperties: false },
);

// ---- API keys ----

export const ApiKeyScopeSchema = OneOf(API_KEY_SCOPES);

const apiKeyProperties = {
  id: Type.String(),
  name: Type.String(),
  scope: ApiKeyScopeSchema,
  subscriberId: Nullable(Type.String()),
  allowedIps: Nullable(Type.Array(Type.String(), { description: 'CIDRs the key may be used from; null: anywhere' })),
  rateLimit: Nullable(Type.Integer({ description: 'Requests per second; null: the server default; 0: unlimited' })),
  createdAt: IsoTime,
  expiresAt: NullableIsoTime,
  revokedAt: NullableIsoTime,
  active: Type.Boolean({ description: 'Neither revoked nor expired' }),
};
export const ApiKeySchema = Type.Object(apiKeyProperties);
export type ApiKeyJson = Static<typeof ApiKeySchema>;
export const ApiKeyWithSecretSchema = Type.Object({
  ...apiKeyProperties,
  key: Type.String({ description: 'The API key itself; shown here once, only its hash is kept' }),
});

export const ApiKeyCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    scope: ApiKeyScopeSchema,
    subscriberId: Type.Optional(Nullable(Type.String({ maxLength: 128, description: 'Required for, and only for, scope subscriber' }))),
    expiresAt: Type.Optional(Nullable(IsoTime)),
    allowedIps: Type.Optional(
      Nullable(Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 100, description: 'CIDRs or addresses' })),
    ),
    rateLimit: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Requests per second; 0: unlimited' }))),
  },
  { additionalProperties: false },
);

// ---- Audit log ----

export const AuditEntrySchema = Type.Object({
  id: Type.String(),
  createdAt: IsoTime,
  actor: Type.String({ description: 'key_... (an API key), admin (HERALD_ADMIN_KEY), cli, or a session id' }),
  action: Type.String({ description: '<resourceType>.<verb>, e.g. subscription.update' }),
  resourceType: Type.String(),
  resourceId: Nullable(Type.String()),
  changes: Nullable(Type.Record(Type.String(), Type.Unknown(), { description: 'The fields sent, secrets redacted' })),
  ip: Nullable(Type.String()),
});
export type AuditEntryJson = Static<typeof AuditEntrySchema>;

export const AuditQuery = Type.Object(
  {
    ...pageQuery,
    actor: Type.Optional(Type.String({ maxLength: 128 })),
    action: Type.Optional(Type.String({ maxLength: 64 })),
    resourceType: Type.Optional(Type.String({ maxLength: 64 })),
    resourceId: Type.Optional(Type.String({ maxLength: 256 })),
    since: Type.Optional(IsoTime),
    until: Type.Optional(IsoTime),
  },
  { additionalProperties: false },
);
