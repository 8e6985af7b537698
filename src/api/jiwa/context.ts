// What every Jiwa resource plugin is given (index.ts builds it once for the Jiwa scope): the /v1
// context, the authenticator and the operator sessions, and the helpers all of them use to read a
// request and to answer in the format it asks for.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Subscriber } from '../../domain/glossary.js';
import type { Authenticator, Principal } from '../auth.js';
import { assertId, orNotFound } from '../checks.js';
import type { ApiContext } from '../context.js';
import type { Sessions } from '../sessions.js';
import { type Format, type JiwaBody, negotiate, render } from './format.js';
import { JiwaParams } from './params.js';

export interface JiwaOptions extends ApiContext {
  /** The /v1 authenticator: API keys work on the operator routes too, with the same cache. */
  auth: Authenticator;
  /** Sessions: opened by /auth (and POST /v1/sessions), accepted by the operator routes through `auth`. */
  sessions: Sessions;
}

export interface JiwaContext extends JiwaOptions {
  /** Sends `body` in `format`, with the configured date format. */
  answer(request: FastifyRequest, reply: FastifyReply, format: Format, status: number, body: JiwaBody): FastifyReply;
  /** The subscriber named by the SubscriberID parameter, or not_found. */
  loadSubscriber(params: JiwaParams): Promise<Subscriber>;
}

export const MAX_LISTED = 10_000; // event types or subscriptions of one subscriber listed in full, in pages of LIST_PAGE
export const LIST_PAGE = 1_000;

export function jiwaContext(options: JiwaOptions): JiwaContext {
  const { store, config } = options;
  return {
    ...options,
    answer(request, reply, format, status, body) {
      const out = render(format, body, { dates: config.jiwaDateFormat, url: request.url });
      return reply.code(status).header('vary', 'Accept').type(out.contentType).send(out.payload);
    },
    async loadSubscriber(params) {
      const id = params.requiredString('SubscriberID', 128);
      assertId('sbr', id);
      return orNotFound(await store.getSubscriber(id));
    },
  };
}

/** The request's parameters and the format it wants, read before anything is changed. */
export function begin(request: FastifyRequest): { params: JiwaParams; format: Format } {
  const params = JiwaParams.from(request);
  const accept = request.headers.accept;
  return { params, format: negotiate(params.string('format', 16), typeof accept === 'string' ? accept : undefined) };
}

/** Who a subscriber-facing change is recorded as: the subscriber, known by its SubscriberID. */
export function asSubscriber(subscriberId: string): Principal {
  return { keyId: null, scope: 'subscriber', subscriberId, rateLimit: null, actor: subscriberId };
}
