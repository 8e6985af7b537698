// The Jiwa-compatible webhook API (seed 001), a thin layer over the same store as /v1: the routes
// and DTO field names an integrator of Jiwa's REST API already codes against. Subscriber-facing
// operations need only the unguessable SubscriberID, as the seed documents; adding a subscriber
// needs an operator (a /auth session or an admin API key). Every route answers in the format asked
// for (format.ts) and takes its parameters from the query string, the body or the path (params.ts).
// One file per resource: auth.ts, events.ts, subscribers.ts, subscriptions.ts, messages.ts; they are
// registered inside this one scope, so its parser and hooks apply to all of them and to nothing else.
//
// Request schemas only document the routes in the OpenAPI document (schemas.ts): this scope
// validates nothing itself, because ServiceStack's binding is more lenient than JSON Schema (names
// in any case, "true" for true, quoted query values), and each handler checks what it reads.
import type { FastifyInstance } from 'fastify';
import { installAudit } from '../audit.js';
import { findUnstorable, unstorableError } from '../json-limits.js';
import { authRoutes } from './auth.js';
import { type JiwaOptions, jiwaContext } from './context.js';
import { eventRoutes } from './events.js';
import { messageRoutes } from './messages.js';
import { withResponseStatus } from './paths.js';
import { subscriberRoutes } from './subscribers.js';
import { subscriptionRoutes } from './subscriptions.js';

export type { JiwaOptions } from './context.js';

export async function jiwaRoutes(app: FastifyInstance, options: JiwaOptions): Promise<void> {
  app.setValidatorCompiler(() => () => true);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const form = Object.fromEntries(new URLSearchParams(body as string));
    const bad = findUnstorable(form);
    done(bad ? unstorableError('body', bad) : null, bad ? undefined : form);
  });
  installAudit(app, options.store);
  // Errors keep Herald's {code, message} and add ServiceStack's ResponseStatus, which its clients read.
  app.addHook('onSend', async (_request, reply, payload) => (reply.statusCode < 400 ? payload : withResponseStatus(payload)));
  // Every Jiwa route's path is matched ignoring case (paths.ts).
  app.addHook('onRoute', (route) => options.paths?.add(route.url));

  // In this order: the OpenAPI document lists the paths as they are registered.
  const context = jiwaContext(options);
  await app.register(authRoutes, context);
  await app.register(eventRoutes, context);
  await app.register(subscriberRoutes, context);
  await app.register(subscriptionRoutes, context);
  await app.register(messageRoutes, context);
}
