// /v1/sessions and /v1/session: signing in to the dashboard (and any browser client) with an HttpOnly
// cookie instead of keeping an API key in the page, and the subscriber portal's single-use links.
// Sessions themselves, their cookie and CSRF token are ../sessions.ts; how a request's session is
// turned into its principal (scope, confinement, CSRF check) is ../auth.ts.
//
// POST /v1/sessions needs no credentials of its own (it is how one gets some): it takes exactly one
// of an API key, the operator's user name and password (as /auth), or a portal link's token. Failed
// attempts count against the address in the login throttle /auth shares.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { HeraldError } from '../../domain/errors.js';
import { describeChange } from '../audit.js';
import type { Authenticator, Principal } from '../auth.js';
import { assertId, orNotFound } from '../checks.js';
import type { ApiContext } from '../context.js';
import { iso } from '../render.js';
import { ApiKeyScopeSchema, errorResponses, IdParams, IsoTime, NoContent, NullableIsoTime } from '../schemas.js';
import {
  clearedDashboardCookie,
  csrfToken,
  dashboardCookie,
  PORTAL_DEFAULT_MINUTES,
  PORTAL_MAX_MINUTES,
  type Session,
  type Sessions,
} from '../sessions.js';

const tags = ['sessions'];
const PORTAL_PATH = '/ui/portal'; // the dashboard page that exchanges a portal link

const SessionOpen = Type.Object(
  {
    apiKey: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1_024, description: 'An API key: the session gets its scope and ends with it' }),
    ),
    userName: Type.Optional(
      Type.String({ minLength: 1, maxLength: 256, description: 'The operator user name (HERALD_JIWA_USERNAME), with password' }),
    ),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1_024, description: 'HERALD_JIWA_PASSWORD, or an admin API key' })),
    portalToken: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'The token of a portal link (after #token=)' })),
  },
  { additionalProperties: false },
);

const SessionSchema = Type.Object({
  scope: ApiKeyScopeSchema,
  subscriberId: Type.Union([Type.String(), Type.Null()], { description: 'Set when the caller is confined to one subscriber' }),
  actor: Type.String({ description: 'Who the audit log names: the API key id, `admin`, or the session id' }),
  authenticatedBy: Type.Union([
    Type.Literal('api-key'),
    Type.Literal('session-cookie'),
    Type.Literal('session-bearer'),
    Type.Literal('session-header'),
  ]),
  kind: Type.Union([Type.Literal('operator'), Type.Literal('api-key'), Type.Literal('portal'), Type.Null()], {
    description: 'How the session was opened; null without a session',
  }),
  expiresAt: Type.Union([IsoTime, Type.Null()], { description: 'When the session expires unless used again (null without a session)' }),
  csrfToken: Type.Union([Type.String(), Type.Null()], {
    description: 'Send as X-CSRF-Token on every state-changing request signed in by the cookie (null without a session)',
  }),
});
type SessionBody = Static<typeof SessionSchema>;

const PortalBody = Type.Object(
  {
    expiresInMinutes: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: PORTAL_MAX_MINUTES,
        description: `How long the link may be opened (default ${PORTAL_DEFAULT_MINUTES}, at most ${PORTAL_MAX_MINUTES}); fractions allowed`,
      }),
    ),
  },
  { additionalProperties: false },
);
const PortalLinkSchema = Type.Object({
  url: Type.String({ description: 'Opens the portal once; the token is in the fragment, so it never reaches access logs' }),
  expiresAt: NullableIsoTime,
});

export interface SessionRouteOptions extends ApiContext {
  auth: Authenticator;
  sessions: Sessions;
}

/** True when the request came over https (X-Forwarded-Proto counts only from a trusted proxy). */
function secure(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

export const sessionRoutes: FastifyPluginAsyncTypebox<SessionRouteOptions> = async (app, { store, config, auth, sessions }) => {
  /** When a session expires unless used: idle expiry, or its API key's expiry when sooner. */
  async function expiresAt(session: Session): Promise<number> {
    const idle = session.lastSeenAt + sessions.idleMs;
    const key = session.keyId?.startsWith('key_') ? await store.getApiKey(session.keyId) : null; // not the configured admin key's mark
    return key?.expiresAt != null ? Math.min(idle, key.expiresAt) : idle;
  }

  async function describe(principal: Principal): Promise<SessionBody> {
    const found = principal.session;
    return {
      scope: principal.scope,
      subscriberId: principal.subscriberId,
      actor: principal.actor,
      authenticatedBy: principal.via ?? 'api-key',
      kind: found?.session.kind ?? null,
      expiresAt: found ? iso(await expiresAt(found.session)) : null,
      csrfToken: found ? csrfToken(found.token) : null,
    };
  }

  /** The session the credentials in the body open, or a 401 (counted by the login throttle). */
  async function openFrom(body: Static<typeof SessionOpen>, request: FastifyRequest, now: number) {
    const given = [body.apiKey, body.userName ?? body.password, body.portalToken].filter((x) => x !== undefined).length;
    if (given !== 1 || (body.userName === undefined) !== (body.password === undefined)) {
      throw new HeraldError('validation_failed', 'Send exactly one of: apiKey, userName with password, or portalToken');
    }
    if (body.portalToken !== undefined) {
      return sessions.openPortal(body.portalToken, async (id) => (await store.getSubscriber(id))?.name ?? null, now);
    }
    if (body.apiKey !== undefined) {
      const key = await auth.principalOfKey(body.apiKey, request);
      if (key === null) throw new HeraldError('unauthorized', 'That API key is not valid (unknown, revoked or expired)');
      const grant = {
        kind: 'api-key' as const,
        scope: key.scope,
        subscriberId: key.subscriberId,
        keyId: auth.sessionKeyId(key),
        userName: key.actor,
      };
      return sessions.openWith(grant, now);
    }
    const opened = await sessions.open(body.userName ?? '', body.password ?? '', now);
    if (opened === null) throw new HeraldError('unauthorized', 'Invalid userName or password');
    return opened;
  }

  app.post(
    '/sessions',
    {
      config: { action: 'session', anonymous: true, audit: false },
      schema: {
        tags,
        summary: 'Sign in: open a session (HttpOnly cookie) with an API key, the operator credentials or a portal link',
        security: [],
        body: SessionOpen,
        response: { 201: SessionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const now = Date.now();
      sessions.throttle.refuseIfThrottled(request, reply, now);
      let opened: Awaited<ReturnType<typeof openFrom>>;
      try {
        opened = await openFrom(request.body, request, now);
      } catch (err) {
        if (err instanceof HeraldError && err.status === 401) sessions.throttle.failed(request.ip, now);
        throw err;
      }
      const { token, session } = opened;
      reply.header('set-cookie', dashboardCookie(token, secure(request)));
      const actor = session.kind === 'api-key' ? session.userName : session.id;
      const principal: Principal = {
        keyId: null, // not read by describe()
        scope: session.scope,
        subscriberId: session.subscriberId,
        rateLimit: null,
        actor,
        via: 'session-cookie',
        session: { token, session },
      };
      return reply.code(201).send(await describe(principal));
    },
  );

  app.get(
    '/session',
    {
      config: { action: 'session' },
      schema: {
        tags,
        summary: 'Who the caller is: scope, confinement, how it authenticated, its session',
        response: { 200: SessionSchema, ...errorResponses },
      },
    },
    async (request) => describe(request.principal as Principal),
  );

  app.delete(
    '/session',
    {
      config: { action: 'session', audit: false },
      schema: {
        tags,
        summary: "Sign out: close the caller's session and clear its cookie",
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (request, reply: FastifyReply) => {
      const found = request.principal?.session;
      if (found) await sessions.close(found.token);
      return reply
        .code(204)
        .header('set-cookie', clearedDashboardCookie(secure(request)))
        .send();
    },
  );

  app.post(
    '/subscribers/:id/portal',
    {
      config: { action: 'subscribers.portal', audit: 'subscriber.portal' },
      schema: {
        tags: ['subscribers'],
        summary: 'A short-lived, single-use link that opens the dashboard as this subscriber (its own records only)',
        params: IdParams,
        body: Type.Union([PortalBody, Type.Null()]),
        response: { 201: PortalLinkSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      assertId('sbr', id);
      orNotFound(await store.getSubscriber(id));
      const minutes = request.body?.expiresInMinutes ?? PORTAL_DEFAULT_MINUTES;
      const link = await sessions.createPortalLink(id, minutes, Date.now());
      describeChange(request, { changes: { expiresInMinutes: minutes, expiresAt: iso(link.expiresAt) } }); // never the token
      const base = (config.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
      return reply.code(201).send({ url: `${base}${PORTAL_PATH}#token=${link.token}`, expiresAt: iso(link.expiresAt) });
    },
  );
};
