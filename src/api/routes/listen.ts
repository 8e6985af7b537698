// GET /v1/subscriptions/{id}/listen: where `herald listen --subscription` connects (DESIGN.md §12).
// As a WebSocket (an upgrade request), the listener becomes the subscription's relay: while it is
// connected, the subscription's deliveries are sent over the socket instead of to its URL
// (src/delivery/relay.ts has the protocol). As a plain GET, it says whether a listener is connected,
// whether this process takes listeners, and answers the refusals the upgrade would get for the key
// and the subscription, with their codes and messages: a WebSocket client sees only that an upgrade
// failed, so the CLI asks this first.
//
// Authentication and scope are the /v1 ones (the Authorization header of the upgrade request):
// subscriptions.write, a subscriber key only for its own subscriptions (another's: 404). One
// listener per subscription: a second is refused (409 relay_connected) while the first is connected,
// so a forgotten terminal cannot silently lose its deliveries to another. Only a process that
// delivers holds relays: in a process of role api (PostgreSQL, API and workers apart) the route
// answers 409 relay_unavailable. While connected, the listener's key and its subscription are
// checked again every RECHECK_MS: a key revoked or expired, or a subscription deleted (or no longer
// visible to the key), disconnects it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { RelayConnection, RelayHub, RelaySocket } from '../../delivery/relay.js';
import { HeraldError } from '../../domain/errors.js';
import type { Subscription } from '../../domain/glossary.js';
import { type Authenticator, SCOPE_ACTIONS } from '../auth.js';
import { loadSubscription } from '../checks.js';
import type { ApiContext } from '../context.js';
import { errorResponses, IdParams } from '../schemas.js';

const RECHECK_MS = 5_000; // how often a connected listener's key and subscription are checked again
const CLOSE_KEY_INVALID = 4401; // WebSocket close codes (application range) naming why
const CLOSE_GONE = 4404;

const RelayStatus = Type.Object({
  subscriptionId: Type.String(),
  connected: Type.Boolean({ description: 'Whether a listener is connected now (its deliveries go to it, not to the URL)' }),
  available: Type.Boolean({
    description: 'Whether this process takes listeners: false in a process of role api (the upgrade answers 409)',
  }),
});

export const listenRoutes: FastifyPluginAsyncTypebox<ApiContext & { relays: RelayHub | null; auth: Authenticator }> = async (
  app,
  { store, relays, auth },
) => {
  const loaded = new WeakMap<FastifyRequest, { subscription: Subscription; reply: FastifyReply }>(); // from the checks to the socket handler

  /** Checks the upgrade request again, as if it were made now; closes the relay when it would be refused. */
  async function recheck(request: FastifyRequest, reply: FastifyReply, id: string, connection: RelayConnection): Promise<void> {
    try {
      await auth.onRequest(request, reply); // unknown, revoked, expired key: unauthorized
      await loadSubscription(store, request, id); // deleted, or no longer the key's subscriber's
    } catch (err) {
      if (!(err instanceof HeraldError) || err.code === 'store_unavailable') return; // not a refusal: check again later
      if (err.code === 'not_found') connection.close(CLOSE_GONE, 'the subscription no longer exists');
      else connection.close(CLOSE_KEY_INVALID, `the API key may no longer listen (${err.code})`);
    }
  }

  app.route({
    method: 'GET',
    url: '/subscriptions/:id/listen',
    config: { action: 'subscriptions.write' },
    schema: {
      tags: ['subscriptions'],
      summary: 'Relay status; as a WebSocket upgrade, receive the deliveries on your machine (herald listen --subscription)',
      description:
        "A WebSocket upgrade makes the caller the subscription's relay: while connected, its deliveries are sent over the socket (JSON messages, version 1) and answered by the listener, and recorded as normal attempts. A plain GET tells whether a listener is connected and whether this process takes listeners. 409 relay_connected: a listener is connected already (upgrade only); 409 relay_unavailable: this process does not deliver (role api; upgrade only).",
      params: IdParams,
      response: { 200: RelayStatus, ...errorResponses },
    },
    preHandler: async (request, reply) => {
      // The listener sees the requests as sent: signed, with the receiver's credentials and the
      // custom header values. Only a key that may read those anyway (subscriptions.secret) may listen.
      const principal = request.principal;
      if (principal === null || !SCOPE_ACTIONS[principal.scope].has('subscriptions.secret')) {
        throw new HeraldError(
          'forbidden',
          'Listening needs a key whose scope has subscriptions.write and subscriptions.secret (admin or subscriber)',
        );
      }
      const subscription = await loadSubscription(store, request, request.params.id);
      if (request.ws && relays === null) throw new HeraldError('relay_unavailable');
      if (request.ws && relays?.has(subscription.id)) throw new HeraldError('relay_connected');
      loaded.set(request, { subscription, reply });
    },
    handler: async (request) => {
      const { subscription } = loaded.get(request) as { subscription: Subscription };
      return { subscriptionId: subscription.id, connected: relays?.has(subscription.id) ?? false, available: relays !== null };
    },
    wsHandler: (socket, request) => {
      const checked = loaded.get(request);
      if (relays === null || checked === undefined) {
        socket.close(1011, 'not checked'); // cannot happen: the preHandler ran
        return;
      }
      const { subscription, reply } = checked;
      const connection = relays.attach(subscription.id, subscription.url, socket as RelaySocket);
      if (connection === null) return;
      request.log.info({ subscriptionId: subscription.id }, 'listener connected: deliveries go to it');
      const timer = setInterval(() => void recheck(request, reply, subscription.id, connection), RECHECK_MS);
      timer.unref();
      socket.on('close', () => {
        clearInterval(timer);
        request.log.info({ subscriptionId: subscription.id }, 'listener disconnected: deliveries go to the URL');
      });
    },
  });
};
