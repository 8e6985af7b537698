// The Jiwa-compatible webhook API (seed 001), a thin layer over the same store as /v1: the routes
// and DTO field names an integrator of Jiwa's REST API already codes against. Subscriber-facing
// operations need only the unguessable SubscriberID, as the seed documents; adding a subscriber
// needs an operator (a /auth session or an admin API key). Every route answers in the format asked
// for (format.ts) and takes its parameters from the query string, the body or the path (params.ts).
//
// Request schemas here only document the routes in the OpenAPI document: this scope validates
// nothing itself, because ServiceStack's binding is more lenient than JSON Schema (names in any
// case, "true" for true, quoted query values), and each handler checks what it reads.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type TSchema, Type } from 'typebox';
import { networkPolicy } from '../../delivery/ssrf.js';
import { HeraldError } from '../../domain/errors.js';
import { STATUS_NAME, type Subscriber, type Subscription } from '../../domain/glossary.js';
import { newId } from '../../domain/ids.js';
import type { AttemptQuery, AttemptSortField, MessageQuery, MessageSortField, SequencedMessage } from '../../store/store.js';
import { describeChange, installAudit } from '../audit.js';
import type { Authenticator, Principal } from '../auth.js';
import { assertId, checkEventTypePatterns, checkHeaders, checkTargetUrl, createSubscriptionUnder, orNotFound } from '../checks.js';
import type { ApiContext } from '../context.js';
import { findUnstorable, unstorableError } from '../json-limits.js';
import { newSecret } from '../routes/subscriptions.js';
import { ErrorSchema } from '../schemas.js';
import { parseAutoQuery, type QueryField, selectFields } from './autoquery.js';
import {
  eventTypeDto,
  MessageDtoSchema,
  MessageResponseDtoSchema,
  messageDto,
  messageResponseDto,
  QueryResponseSchema,
  SubscriberDtoSchema,
  SubscriptionDtoSchema,
  subscriberDto,
  subscriptionDto,
  WebhookEventSchema,
} from './dto.js';
import { type Format, type JiwaBody, negotiate, render } from './format.js';
import { JiwaParams } from './params.js';
import { LoginThrottle, SESSION_COOKIE, Sessions, sessionToken } from './sessions.js';

export interface JiwaOptions extends ApiContext {
  /** The /v1 authenticator: API keys work on the operator routes too, with the same cache. */
  auth: Authenticator;
}

const MAX_LISTED = 10_000; // event types or subscriptions of one subscriber listed in full, in pages of LIST_PAGE
const LIST_PAGE = 1_000;
const MAX_NAME = 256; // characters of a subscriber name, as /v1 allows
const MAX_HTTP_CODE = 599;
const MAX_RETRIES_FILTER = 1_000_000;

// ---- documentation schemas ----

const Webhooks = ['Webhooks'];
const formatQuery = {
  format: Type.Optional(
    Type.Union(
      ['json', 'xml', 'csv', 'html'].map((f) => Type.Literal(f)),
      { description: 'Overrides Accept' },
    ),
  ),
};
const autoQueryParams = {
  Skip: Type.Optional(Type.Integer({ minimum: 0 })),
  Take: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Capped by AutoQueryMaxLimit (HERALD_AUTOQUERY_MAX_LIMIT), also the default' }),
  ),
  OrderBy: Type.Optional(Type.String({ description: 'Comma list of fields; -Field for descending' })),
  OrderByDesc: Type.Optional(Type.String({ description: 'Comma list of fields, descending' })),
  Fields: Type.Optional(Type.String({ description: 'Comma list of the fields to return' })),
};
const SubscriberParams = Type.Object({ SubscriberID: Type.String() });
const SubscriptionParams = Type.Object({ SubscriberID: Type.String(), SubscriptionID: Type.String() });
const MessageParams = Type.Object({ SubscriberID: Type.String(), SubscriptionID: Type.String(), MessageID: Type.String() });
const SubscriberCreate = Type.Object({ Name: Type.String({ maxLength: MAX_NAME }), IsEnabled: Type.Optional(Type.Boolean()) });
const HeaderSchema = Type.Object({ Name: Type.String(), Value: Type.String() });
const SubscriptionCreate = Type.Object({
  SubscriberID: Type.Optional(Type.String({ description: 'Taken from the path' })),
  URL: Type.String(),
  EventName: Type.String({ description: 'An event name (inventory.stocklevel) or a wildcard (inventory.*)' }),
  Headers: Type.Optional(Type.Array(HeaderSchema, { description: 'Request headers sent with every message' })),
});
const AuthParams = Type.Object({
  UserName: Type.Optional(Type.String()),
  Password: Type.Optional(Type.String()),
  ...formatQuery,
});
const AuthResponse = Type.Object({
  UserId: Type.String(),
  SessionId: Type.String({ description: 'Also set as the ss-id cookie' }),
  UserName: Type.String(),
  DisplayName: Type.String(),
  BearerToken: Type.String({ description: 'Send as Authorization: Bearer <token>' }),
});
/** Jiwa errors carry Herald's {code, message} and ServiceStack's ResponseStatus. */
const JiwaErrorSchema = Type.Object({
  ...ErrorSchema.properties,
  ResponseStatus: Type.Optional(Type.Object({ ErrorCode: Type.String(), Message: Type.String(), Errors: Type.Array(Type.Unknown()) })),
});
const errors = { '4xx': JiwaErrorSchema, '5xx': JiwaErrorSchema };
const operatorSecurity: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
const noSecurity: Record<string, string[]>[] = []; // subscriber-facing: the SubscriberID is the credential

function queryString<T extends Record<string, TSchema>>(properties: T) {
  return Type.Object({ ...properties, ...formatQuery });
}

// ---- the AutoQuery lists: DTO field → store order and filter ----

type MessageFilters = Omit<MessageQuery, 'orderBy' | 'offset' | 'limit'>;
type AttemptFilters = Omit<AttemptQuery, 'orderBy' | 'offset' | 'limit'>;

const text =
  <Q>(set: (q: Q, value: string) => void) =>
  (p: JiwaParams, name: string, q: Q) =>
    set(q, p.string(name) as string);
const integer =
  <Q>(max: number, set: (q: Q, value: number) => void) =>
  (p: JiwaParams, name: string, q: Q) =>
    set(q, p.integer(name, 0, max) as number);
const status =
  <Q>(set: (q: Q, value: (typeof STATUS_NAME)[number]) => void) =>
  (p: JiwaParams, name: string, q: Q) =>
    set(q, STATUS_NAME[p.integer(name, 0, 3) as number] as (typeof STATUS_NAME)[number]);

const MESSAGE_LIST: Record<string, QueryField<MessageFilters, MessageSortField>> = {
  SubscriberID: {},
  SubscriptionID: { sort: 'subscriptionId', filter: text((q, v) => (q.subscriptionId = v)) },
  MessageID: { sort: 'id', filter: text((q, v) => (q.ids = [v])) },
  EventName: { sort: 'eventType', filter: text((q, v) => (q.eventType = v)) },
  URL: { sort: 'url', filter: text((q, v) => (q.url = v)) },
  Body: {},
  ItemNo: { sort: 'seq' },
  Status: { sort: 'status', filter: status((q, v) => (q.status = v)) },
  Retries: { sort: 'retries', filter: integer(MAX_RETRIES_FILTER, (q, v) => (q.retries = v)) },
  AddedDateTime: { sort: 'createdAt' },
  LastSavedDateTime: { sort: 'updatedAt' },
  LastMessageResponseHTTPCode: { sort: 'lastStatusCode', filter: integer(MAX_HTTP_CODE, (q, v) => (q.lastStatusCode = v)) },
  LastMessageResponseMessage: {},
};

const RESPONSE_LIST: Record<string, QueryField<AttemptFilters, AttemptSortField>> = {
  SubscriberID: {},
  SubscriptionID: { sort: 'subscriptionId', filter: text((q, v) => (q.subscriptionId = v)) },
  MessageID: { sort: 'messageId', filter: text((q, v) => (q.messageId = v)) },
  MessageResponseID: { sort: 'id', filter: text((q, v) => (q.id = v)) },
  EventName: { sort: 'eventType', filter: text((q, v) => (q.eventType = v)) },
  URL: {},
  Body: {},
  MessageItemNo: {},
  Status: { sort: 'messageStatus', filter: status((q, v) => (q.messageStatus = v)) },
  Retries: { sort: 'messageRetries', filter: integer(MAX_RETRIES_FILTER, (q, v) => (q.messageRetries = v)) },
  AddedDateTime: { sort: 'messageCreatedAt' },
  MessageLastSavedDateTime: {},
  HTTPCode: { sort: 'statusCode', filter: integer(MAX_HTTP_CODE, (q, v) => (q.statusCode = v)) },
  Message: {},
  ItemNo: { sort: 'attemptNumber' },
  LastSavedDateTime: { sort: 'createdAt' },
};

function listQuery(fields: Record<string, unknown>) {
  const filters = Object.fromEntries(Object.keys(fields).map((name) => [name, Type.Optional(Type.String())]));
  return Type.Object({ ...autoQueryParams, ...filters, ...formatQuery });
}

// ---- helpers ----

/** Subscription headers from `[{Name, Value}]` (or a JSON text of it, from a query string) or `{name: value}`. */
function readHeaders(params: JiwaParams): Record<string, string> {
  let value = params.raw('Headers');
  if (value === undefined || value === null || value === '') return {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw new HeraldError('validation_failed', 'Headers must be a list of {Name, Value}');
    }
  }
  const headers: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const entry = new JiwaParams();
      if (typeof item !== 'object' || item === null || Array.isArray(item))
        throw new HeraldError('validation_failed', 'Headers must be a list of {Name, Value}');
      for (const [k, v] of Object.entries(item)) entry.set(k, v);
      const name = entry.requiredString('Name');
      if (Object.hasOwn(headers, name)) throw new HeraldError('invalid_header', `The ${name} header is given twice`);
      headers[name] = entry.string('Value') ?? '';
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string') throw new HeraldError('validation_failed', 'Header values must be strings');
      headers[k] = v;
    }
  } else {
    throw new HeraldError('validation_failed', 'Headers must be a list of {Name, Value}');
  }
  return checkHeaders(headers);
}

/** Who a subscriber-facing change is recorded as: the subscriber, known by its SubscriberID. */
function asSubscriber(subscriberId: string): Principal {
  return { keyId: null, scope: 'subscriber', subscriberId, rateLimit: null, actor: subscriberId };
}

export async function jiwaRoutes(app: FastifyInstance, { store, config, auth }: JiwaOptions): Promise<void> {
  app.setValidatorCompiler(() => () => true);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const form = Object.fromEntries(new URLSearchParams(body as string));
    const bad = findUnstorable(form);
    done(bad ? unstorableError('body', bad) : null, bad ? undefined : form);
  });
  installAudit(app, store);
  // Errors keep Herald's {code, message} and add ServiceStack's ResponseStatus, which its clients read.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode < 400 || typeof payload !== 'string') return payload;
    try {
      const body = JSON.parse(payload) as { code?: unknown; message?: unknown };
      if (typeof body.code !== 'string') return payload;
      return JSON.stringify({ ...body, ResponseStatus: { ErrorCode: body.code, Message: body.message, Errors: [] } });
    } catch {
      return payload;
    }
  });

  const sessions = new Sessions(store, {
    idleMs: config.sessionExpiryMinutes * 60_000,
    userName: config.jiwaUserName,
    password: config.jiwaPassword,
    adminKey: config.adminKey,
  });
  const throttle = new LoginThrottle();
  const policy = networkPolicy(config);

  /** The request's parameters and the format it wants, read before anything is changed. */
  function begin(request: FastifyRequest): { params: JiwaParams; format: Format } {
    const params = JiwaParams.from(request);
    const accept = request.headers.accept;
    return { params, format: negotiate(params.string('format', 16), typeof accept === 'string' ? accept : undefined) };
  }

  function answer(request: FastifyRequest, reply: FastifyReply, format: Format, status: number, body: JiwaBody): FastifyReply {
    const out = render(format, body, { dates: config.jiwaDateFormat, url: request.url });
    return reply.code(status).header('vary', 'Accept').type(out.contentType).send(out.payload);
  }

  /** An operator: a live /auth session, else an API key allowed the route's config.action. */
  async function operator(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = sessionToken(request);
    const session = token === null ? null : await sessions.touch(token, Date.now());
    if (session) {
      request.principal = { keyId: null, scope: 'admin', subscriberId: null, rateLimit: null, actor: session.id };
      return;
    }
    await auth.onRequest(request, reply);
  }

  async function loadSubscriber(params: JiwaParams): Promise<Subscriber> {
    const id = params.requiredString('SubscriberID', 128);
    assertId('sbr', id);
    return orNotFound(await store.getSubscriber(id));
  }

  /** Every subscription of a subscriber, oldest first (their ItemNo order). */
  async function subscriptionsOf(subscriberId: string): Promise<Subscription[]> {
    const out: Subscription[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.listSubscriptions({ subscriberId, limit: LIST_PAGE, cursor });
      out.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor !== null && out.length < MAX_LISTED);
    return out.reverse();
  }

  /** Event data by event id, for the Body field: one read per distinct event of the page. */
  async function bodies(eventIds: string[]): Promise<Map<string, string>> {
    const events = await Promise.all([...new Set(eventIds)].map((id) => store.getEvent(id)));
    return new Map(events.filter((e) => e !== null).map((e) => [e.id, e.dataJson]));
  }

  // ---- auth ----

  const authHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const { params, format } = begin(request);
    const provider = params.string('provider', 64)?.toLowerCase();
    const token = sessionToken(request);
    if (provider === 'logout') {
      if (token !== null) await sessions.close(token);
      reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
      return answer(request, reply, format, 200, { kind: 'one', type: 'AuthenticateResponse', row: {} });
    }
    if (provider !== undefined && provider !== 'credentials') throw new HeraldError('not_found', `No auth provider "${provider}"`);
    const userName = params.string('UserName', 256);
    const password = params.string('Password', 1_024);
    const now = Date.now();
    let opened: { token: string; userName: string } | null = null;
    if (userName === undefined && password === undefined) {
      // ServiceStack answers GET /auth with the caller's session, if it has one.
      const session = token === null ? null : await sessions.touch(token, now);
      if (session && token !== null) opened = { token, userName: session.userName };
    } else {
      if (userName === undefined || password === undefined)
        throw new HeraldError('validation_failed', 'UserName and Password are required');
      const wait = throttle.retryAfter(request.ip, now);
      if (wait > 0) {
        reply.header('retry-after', String(Math.ceil(wait / 1000)));
        throw new HeraldError('rate_limited', `Too many failed logins from this address; retry in ${Math.ceil(wait / 1000)} s`);
      }
      const result = await sessions.open(userName, password, now);
      if (result) {
        opened = { token: result.token, userName: result.session.userName };
        reply.header('set-cookie', `${SESSION_COOKIE}=${result.token}; Path=/; HttpOnly; SameSite=Lax`);
      } else {
        throttle.failed(request.ip, now);
      }
    }
    if (!opened) throw new HeraldError('unauthorized', 'Invalid UserName or Password');
    return answer(request, reply, format, 200, {
      kind: 'one',
      type: 'AuthenticateResponse',
      row: {
        UserId: opened.userName,
        SessionId: opened.token,
        UserName: opened.userName,
        DisplayName: opened.userName,
        BearerToken: opened.token,
      },
    });
  };
  const authSchema = (method: 'GET' | 'POST') => ({
    tags: ['auth'],
    security: noSecurity,
    summary: 'Open an operator session (UserName and Password); its token is a bearer token and the ss-id cookie',
    ...(method === 'GET' ? { querystring: AuthParams } : { querystring: AuthParams, body: AuthParams }),
    response: { 200: AuthResponse, ...errors },
  });
  const ProviderParams = Type.Object({ provider: Type.String({ description: 'credentials, or logout to end the session' }) });
  app.get('/auth', { config: { audit: false }, schema: authSchema('GET') }, authHandler);
  app.post('/auth', { config: { audit: false }, schema: authSchema('POST') }, authHandler);
  app.get('/auth/:provider', { config: { audit: false }, schema: { ...authSchema('GET'), params: ProviderParams } }, authHandler);
  app.post('/auth/:provider', { config: { audit: false }, schema: { ...authSchema('POST'), params: ProviderParams } }, authHandler);

  // ---- events ----

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
        rows.push(...page.data.map(eventTypeDto));
        cursor = page.nextCursor;
      } while (cursor !== null && rows.length < MAX_LISTED);
      return answer(request, reply, format, 200, { kind: 'list', type: 'WebHookEvent', rows });
    },
  );

  // ---- subscribers ----

  app.post(
    '/Webhooks/Subscribers',
    {
      config: { action: 'subscribers.create', audit: 'subscriber.create' },
      preHandler: operator,
      schema: {
        tags: Webhooks,
        summary: 'Add a new subscriber (operators only: a /auth session or an admin API key)',
        security: operatorSecurity,
        querystring: queryString(SubscriberCreate.properties),
        body: SubscriberCreate,
        response: { 201: SubscriberDtoSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { params, format } = begin(request);
      const name = params.requiredString('Name', MAX_NAME);
      const enabled = params.boolean('IsEnabled') ?? true;
      const now = Date.now();
      const created = await store.createSubscriber({
        id: newId('sbr', now),
        name,
        enabled,
        metadata: null,
        createdAt: now,
        updatedAt: now,
      });
      describeChange(request, { resourceId: created.id, changes: { name, enabled } });
      const row = subscriberDto(created, await store.countSubscribers(created.id));
      return answer(request, reply, format, 201, { kind: 'one', type: 'SY_WebhookSubscriber', row });
    },
  );

  app.get(
    '/Webhooks/Subscribers/:SubscriberID',
    {
      schema: {
        tags: Webhooks,
        security: noSecurity,
        summary: 'A subscriber, by its SubscriberID',
        params: SubscriberParams,
        querystring: queryString({}),
        response: { 200: SubscriberDtoSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { params, format } = begin(request);
      const subscriber = await loadSubscriber(params);
      const row = subscriberDto(subscriber, await store.countSubscribers(subscriber.id));
      return answer(request, reply, format, 200, { kind: 'one', type: 'SY_WebhookSubscriber', row });
    },
  );

  // ---- subscriptions ----

  app.post(
    '/Webhooks/Subscribers/:SubscriberID/Subscriptions',
    {
      config: { audit: 'subscription.create' },
      schema: {
        tags: Webhooks,
        security: noSecurity,
        summary: 'Adds a Webhook subscription for a subscriber',
        params: SubscriberParams,
        querystring: queryString({
          URL: Type.Optional(Type.String()),
          EventName: Type.Optional(Type.String()),
          Headers: Type.Optional(Type.String()),
        }),
        body: SubscriptionCreate,
        response: { 201: SubscriptionDtoSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { params, format } = begin(request);
      const subscriber = await loadSubscriber(params);
      request.principal = asSubscriber(subscriber.id);
      const url = await checkTargetUrl(params.requiredString('URL'), policy);
      const eventName = params.requiredString('EventName', 256);
      const eventTypes = checkEventTypePatterns(eventName.split(',').map((s) => s.trim()));
      const headers = readHeaders(params);
      const now = Date.now();
      const subscription: Subscription = {
        id: newId('sub', now),
        subscriberId: subscriber.id,
        name: null,
        description: null,
        url,
        method: 'POST',
        eventTypes,
        channels: null,
        headers,
        payloadFormat: 'raw', // "All webhook messages are sent as a POST operation with any relevant document DTO as the body"
        retrySchedule: null,
        timeoutSeconds: config.timeoutSeconds,
        enabled: true,
        secret: newSecret(),
        previousSecret: null,
        previousSecretExpiresAt: null,
        createdAt: now,
        updatedAt: now,
      };
      const created = await createSubscriptionUnder(store, subscription);
      describeChange(request, { resourceId: created.id, changes: { url, eventTypes, headers } });
      const all = await subscriptionsOf(subscriber.id);
      const itemNo = all.findIndex((s) => s.id === created.id) + 1 || all.length;
      return answer(request, reply, format, 201, { kind: 'one', type: 'SY_WebhookSubscription', row: subscriptionDto(created, itemNo) });
    },
  );

  app.get(
    '/Webhooks/Subscribers/:SubscriberID/Subscriptions',
    {
      schema: {
        tags: Webhooks,
        security: noSecurity,
        summary: 'Lists all subscriptions for a subscriber',
        params: SubscriberParams,
        querystring: queryString({}),
        response: { 200: Type.Array(SubscriptionDtoSchema), ...errors },
      },
    },
    async (request, reply) => {
      const { params, format } = begin(request);
      const subscriber = await loadSubscriber(params);
      const rows = (await subscriptionsOf(subscriber.id)).map((s, i) => subscriptionDto(s, i + 1));
      return answer(request, reply, format, 200, { kind: 'list', type: 'SY_WebhookSubscription', rows });
    },
  );

  /** The subscription named by the path, or not_found when it is not the subscriber's. */
  async function loadSubscription(params: JiwaParams): Promise<{ subscriber: Subscriber; subscriptions: Subscription[]; index: number }> {
    const subscriber = await loadSubscriber(params);
    const id = params.requiredString('SubscriptionID', 128);
    assertId('sub', id);
    const subscriptions = await subscriptionsOf(subscriber.id);
    const index = subscriptions.findIndex((s) => s.id === id);
    if (index < 0) throw new HeraldError('not_found');
    return { subscriber, subscriptions, index };
  }

  app.get(
    '/Webhooks/Subscribers/:SubscriberID/Subscriptions/:SubscriptionID',
    {
      schema: {
        tags: Webhooks,
        security: noSecurity,
        summary: "One of a subscriber's subscriptions",
        params: SubscriptionParams,
        querystring: queryString({}),
        response: { 200: SubscriptionDtoSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { params, format } = begin(request);
      const { subscriptions, index } = await loadSubscription(params);
      const row = subscriptionDto(subscriptions[index] as Subscription, index + 1);
      return answer(request, reply, format, 200, { kind: 'one', type: 'SY_WebhookSubscription', row });
    },
  );

  app.delete(
    '/Webhooks/Subscribers/:SubscriberID/Subscriptions/:SubscriptionID',
    {
      config: { audit: 'subscription.delete' },
      schema: {
        tags: Webhooks,
        security: noSecurity,
        summary: 'Deletes an existing subscription, with its messages and their responses',
        params: SubscriptionParams,
        querystring: queryString({}),
        response: { 204: Type.Null({ description: 'Deleted' }), ...errors },
      },
    },
    async (request, reply) => {
      const { params } = begin(request);
      const { subscriber, subscriptions, index } = await loadSubscription(params);
      request.principal = asSubscriber(subscriber.id);
      const id = (subscriptions[index] as Subscription).id;
      if (!(await store.deleteSubscription(id))) throw new HeraldError('not_found');
      describeChange(request, { resourceId: id, changes: null });
      return reply.code(204).send();
    },
  );

  // ---- messages and message responses ----

  app.get(
    '/Webhooks/Subscribers/:SubscriberID/Messages',
    {
      schema: {
        tags: Webhooks,
        security: noSecurity,
        summary: 'Lists the messages for a subscriber (queryable: filter, page, order, choose fields)',
        params: SubscriberParams,
        querystring: listQuery(MESSAGE_LIST),
        response: { 200: QueryResponseSchema(MessageDtoSchema), ...errors },
      },
    },
    async (request, reply) => {
      const { params, format } = begin(request);
      const subscriber = await loadSubscriber(params);
      const { query, fields } = parseAutoQuery(
        params,
        MESSAGE_LIST,
        { subscriberId: subscriber.id } as MessageFilters,
        config.autoQueryMaxLimit,
      );
      const page = await store.queryMessages(query);
      const withBody = fields === null || fields.includes('Body');
      const data = withBody ? await bodies(page.data.map((m) => m.eventId)) : new Map<string, string>();
      const rows = page.data.map((m) => selectFields(messageDto(m, data.get(m.eventId) ?? null), fields));
      return answer(request, reply, format, 200, {
        kind: 'query',
        type: 'v_SY_WebhookSubscriber_Messages',
        offset: query.offset,
        total: page.total,
        rows,
      });
    },
  );

  app.get(
    '/Webhooks/Subscribers/:SubscriberID/Messages/Responses',
    {
      schema: {
        tags: Webhooks,
        security: noSecurity,
        summary: 'Lists the message responses (delivery attempts) for a subscriber (queryable)',
        params: SubscriberParams,
        querystring: listQuery(RESPONSE_LIST),
        response: { 200: QueryResponseSchema(MessageResponseDtoSchema), ...errors },
      },
    },
    async (request, reply) => {
      const { params, format } = begin(request);
      const subscriber = await loadSubscriber(params);
      const { query, fields } = parseAutoQuery(
        params,
        RESPONSE_LIST,
        { subscriberId: subscriber.id } as AttemptFilters,
        config.autoQueryMaxLimit,
      );
      const page = await store.queryAttempts(query);
      const messageIds = [...new Set(page.data.map((a) => a.messageId))];
      const messages = new Map<string, SequencedMessage>();
      if (messageIds.length > 0) {
        const found = await store.queryMessages({ ids: messageIds, orderBy: [], offset: 0, limit: messageIds.length });
        for (const m of found.data) messages.set(m.id, m);
      }
      const withBody = fields === null || fields.includes('Body');
      const data = withBody ? await bodies([...messages.values()].map((m) => m.eventId)) : new Map<string, string>();
      const rows = page.data.flatMap((a) => {
        const m = messages.get(a.messageId);
        return m ? [selectFields(messageResponseDto(a, m, data.get(m.eventId) ?? null), fields)] : []; // deleted meanwhile
      });
      return answer(request, reply, format, 200, {
        kind: 'query',
        type: 'v_SY_WebhookSubscriber_MessageResponses',
        offset: query.offset,
        total: page.total,
        rows,
      });
    },
  );

  app.delete(
    '/Webhooks/Subscribers/:SubscriberID/Subscriptions/:SubscriptionID/Messages/:MessageID',
    {
      config: { audit: 'message.delete' },
      schema: {
        tags: Webhooks,
        security: noSecurity,
        summary: 'Deletes an existing message, with its responses',
        params: MessageParams,
        querystring: queryString({}),
        response: { 204: Type.Null({ description: 'Deleted' }), ...errors },
      },
    },
    async (request, reply) => {
      const { params } = begin(request);
      const subscriberId = params.requiredString('SubscriberID', 128);
      const subscriptionId = params.requiredString('SubscriptionID', 128);
      const messageId = params.requiredString('MessageID', 128);
      assertId('sbr', subscriberId);
      assertId('sub', subscriptionId);
      assertId('msg', messageId);
      const message = orNotFound(await store.getMessage(messageId));
      if (message.subscriberId !== subscriberId || message.subscriptionId !== subscriptionId) throw new HeraldError('not_found');
      request.principal = asSubscriber(subscriberId);
      if (!(await store.deleteMessage(messageId))) throw new HeraldError('not_found');
      describeChange(request, { resourceId: messageId, changes: null });
      return reply.code(204).send();
    },
  );
}
