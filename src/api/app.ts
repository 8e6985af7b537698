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
import { GroupCommit } from '../ingest/group-commit.js';
import type { Store } from '../store/store.js';
import { createAuthenticator } from './auth.js';
import type { ApiContext } from './context.js';
import { installErrorHandling } from './errors.js';
import { attemptRoutes } from './routes/attempts.js';
import { eventTypeRoutes } from './routes/event-types.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { messageRoutes } from './routes/messages.js';
import { subscriberRoutes } from './routes/subscribers.js';
import { subscriptionRoutes } from './routes/subscriptions.js';

export type Role = 'all' | 'api' | 'worker';

export interface AppDeps {
  store: Store;
  config: HeraldConfig;
  /** Defaults to config.role. */
  role?: Role;
}

const API_VERSION = '1.0.0'; // of the /v1 API document, not of the package

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { store, config } = deps;
  const role = deps.role ?? config.role;
  const app = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: config.payloadLimitBytes,
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  installErrorHandling(app);
  app.decorateRequest('principal', null);

  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string; // parseAs: 'string'
    if (text.trim() === '') return done(null, undefined);
    parseJson(request, text, done);
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
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key' } } },
        security: [{ bearer: [] }],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  }

  await app.register(healthRoutes, { store });
  if (role === 'worker') return app as unknown as FastifyInstance;

  const context: ApiContext = { store, config, groupCommit: new GroupCommit(store) };
  const auth = createAuthenticator(store, config.adminKey);
  await app.register(
    async (v1) => {
      v1.addHook('onRequest', auth.onRequest);
      // A route without an action could not be authorized: refuse to start rather than guess.
      v1.addHook('onRoute', (route) => {
        if (!route.config?.action) throw new Error(`route ${route.method} ${route.url} names no config.action`);
      });
      await v1.register(eventTypeRoutes, context);
      await v1.register(subscriberRoutes, context);
      await v1.register(subscriptionRoutes, context);
      await v1.register(eventRoutes, context);
      await v1.register(messageRoutes, context);
      await v1.register(attemptRoutes, context);
    },
    { prefix: '/v1' },
  );
  return app as unknown as FastifyInstance;
}
