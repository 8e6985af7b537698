// /auth: ServiceStack's credentials provider (seed 001, "Step 2 - Authenticate"). GET or POST /auth
// (or /auth/credentials) with UserName and Password opens an operator session (../sessions.ts);
// without them it answers with the caller's session, if any. /auth/logout ends the session.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { HeraldError } from '../../domain/errors.js';
import { clearedSessionCookie, sessionCookie, sessionToken } from '../sessions.js';
import { begin, type JiwaContext } from './context.js';
import { errors, formatQuery, noSecurity } from './schemas.js';

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

export const authRoutes: FastifyPluginAsync<JiwaContext> = async (app, { sessions, answer }) => {
  const throttle = sessions.throttle;

  const authHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const { params, format } = begin(request);
    const provider = params.string('provider', 64)?.toLowerCase();
    const token = sessionToken(request);
    if (provider === 'logout') {
      if (token !== null) await sessions.close(token);
      reply.header('set-cookie', clearedSessionCookie());
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
        reply.header('set-cookie', sessionCookie(result.token));
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
};
