// The HTTP application, built by a factory and never listening by itself: `herald serve` calls
// listen(), tests call inject(). Role `worker` serves only the operations routes (health,
// readiness, metrics); `api` and `all` serve the native API under /v1 and its OpenAPI document.
//
// Requests are validated by the TypeBox compiler: bodies are checked as sent (a "1" is not a
// number), query strings and path parameters are converted first. Only application/json bodies are
// accepted; an empty one counts as no body, so clients that always send the header still work.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { HeraldConfig } from '../config/config.js';
import { HeraldError } from '../domain/errors.js';
import { GroupCommit, type Handoff } from '../ingest/group-commit.js';
import type { Store } from '../store/store.js';
import { installAudit } from './audit.js';
import { createAuthenticator } from './auth.js';
import type { ApiContext } from './context.js';
import { handleError, installErrorHandling } from './errors.js';
import { jiwaRoutes } from './jiwa/index.js';
import {
  exceedsDepth,
  explainInvalidJson,
  findUnstorable,
  findUnstorableInJson,
  jsonCharset,
  MAX_JSON_DEPTH,
  unstorableError,
} from './json-limits.js';
import { installRateLimit } from './rate-limit.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { attemptRoutes } from './routes/attempts.js';
import { auditLogRoutes } from './routes/audit-log.js';
import { eventTypeRoutes } from './routes/event-types.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { messageRoutes } from './routes/messages.js';
import { previewRoutes } from './routes/preview.js';
import { sessionRoutes } from './routes/sessions.js';
import { subscriberRoutes } from './routes/subscribers.js';
import { subscriptionActionRoutes } from './routes/subscription-actions.js';
import { subscriptionRoutes } from './routes/subscriptions.js';
import { templatePresetRoutes } from './routes/template-presets.js';
import { DASHBOARD_COOKIE, Sessions } from './sessions.js';
import { uiRoutes } from './ui.js';

export type Role = 'all' | 'api' | 'worker';

export interface AppDeps {
  store: Store;
  config: HeraldConfig;
  /** Defaults to config.role. */
  role?: Role;
  /** This process's dispatcher, when it delivers: ingest hands it new messages directly. */
  handoff?: Handoff;
}

const API_VERSION = '1.0.0'; // of the /v1 API document, not of the package
const ROUTER_OPTIONS = { ignoreTrailingSlash: true };

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { store, config } = deps;
  const role = deps.role ?? config.role;
  const app = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: config.payloadLimitBytes,
    logController: new LogController({ disableRequestLogging: true }),
    // The caller's address (per-key IP allow-lists, the audit log) is the socket's peer, unless the
    // operator names the reverse proxies whose X-Forwarded-For may be believed.
    trustProxy: config.trustProxy ?? false,
    routerOptions: ROUTER_OPTIONS,
    // Router errors (a path parameter that is not UTF-8, or too long) answer like every other error.
    frameworkErrors: handleError,
    // Slow clients: deadlines for a request's headers and for all of it (408, then closed), checked
    // every quarter of the headers deadline (at most every second; node's default is 30 s); an idle
    // keep-alive connection closes after keepAliveTimeout. The connection cap is set on the
    // listening server (server.ts).
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, Math.max(25, Math.floor(config.headersTimeoutMs / 4))),
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  installErrorHandling(app, ROUTER_OPTIONS);
  app.decorateRequest('principal', null);

  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const charset = jsonCharset(request.headers['content-type']);
    if (charset !== null && charset !== 'utf-8' && charset !== 'utf8') {
      return done(new HeraldError('unsupported_media_type', `JSON bodies must be UTF-8, not ${charset.slice(0, 40)}`), undefined);
    }
    const text = body as string; // parseAs: 'string'
    if (text.trim() === '') return done(null, undefined);
    if (exceedsDepth(text)) return done(new HeraldError('json_too_deep', `JSON bodies nest at most ${MAX_JSON_DEPTH} levels`), undefined);
    parseJson(request, text, (err, parsed) => {
      if (err) return done(explainInvalidJson(text), undefined);
      const bad = findUnstorableInJson(text, parsed);
      done(bad ? unstorableError('body', bad) : null, bad ? undefined : parsed);
    });
  });
  // Path parameters and query strings carry text too (%00, %ED%A0%80): refused like body values.
  app.addHook('preValidation', async (request) => {
    const inPath = findUnstorable(request.params);
    if (inPath) throw unstorableError('path', inPath);
    const inQuery = findUnstorable(request.query);
    if (inQuery) throw unstorableError('query', inQuery);
  });

  if (role !== 'worker') {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Herald',
          version: API_VERSION,
          description: 'Self-hosted webhook delivery: events in, signed and retried HTTP deliveries out.',
        },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', description: 'An API key' },
            session: { type: 'apiKey', in: 'cookie', name: 'ss-id', description: 'A /auth session (Jiwa routes)' },
            cookie: {
              type: 'apiKey',
              in: 'cookie',
              name: DASHBOARD_COOKIE,
              description: 'A session from POST /v1/sessions; state-changing requests also send X-CSRF-Token',
            },
          },
        },
        security: [{ bearer: [] }, { cookie: [] }],
      },
    });
    // Swagger UI at /docs and, as seed 001's tutorial expects, /swagger-ui: sibling scopes, since
    // the plugin decorates the instance it is registered on.
    for (const routePrefix of ['/docs', '/swagger-ui']) await app.register(async (scope) => scope.register(swaggerUi, { routePrefix }));
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  }

  await app.register(healthRoutes, { store });
  if (role === 'worker') return app as unknown as FastifyInstance;

  const context: ApiContext = { store, config, groupCommit: new GroupCommit(store, deps.handoff ?? null) };
  const sessions = Sessions.fromConfig(store, config);
  const auth = createAuthenticator(store, config.adminKey, sessions);
  await app.register(
    async (v1) => {
      v1.addHook('onRequest', auth.onRequest);
      // A route without an action could not be authorized: refuse to start rather than guess.
      v1.addHook('onRoute', (route) => {
        if (!route.config?.action) throw new Error(`route ${route.method} ${route.url} names no config.action`);
      });
      installAudit(v1, store);
      await installRateLimit(v1, config);
      await v1.register(eventTypeRoutes, context);
      await v1.register(subscriberRoutes, context);
      await v1.register(subscriptionRoutes, context);
      await v1.register(subscriptionActionRoutes, context);
      await v1.register(previewRoutes, context);
      await v1.register(templatePresetRoutes, context);
      await v1.register(eventRoutes, context);
      await v1.register(messageRoutes, context);
      await v1.register(attemptRoutes, context);
      await v1.register(apiKeyRoutes, { ...context, auth });
      await v1.register(auditLogRoutes, context);
      await v1.register(sessionRoutes, { ...context, auth, sessions });
    },
    { prefix: '/v1' },
  );
  await app.register(jiwaRoutes, { ...context, auth, sessions }); // seed 001's /Webhooks/... and /auth
  await app.register(uiRoutes); // the dashboard at /ui/
  return app as unknown as FastifyInstance;
}
