// Preview (DESIGN.md §5, seed 004's "real-time event preview and testing"): what a subscription
// would do with an event, without sending anything: whether each filter expression holds (as
// fan-out evaluates it, src/fanout/subscription-filter.ts), and the exact request an attempt would
// build, made by the pipeline's own format and authorize stage (attempt.ts `prepare`): the same
// body, the same headers, signed. Differences from a real attempt, by design:
//   - `webhook-id` is a fresh message id (a real message has its own), and `webhook-timestamp`, the
//     signature and a JWT are made at the preview's time, as each attempt makes its own;
//   - credentials are masked ("********"): the auth method's headers always, custom header values
//     ("[redacted]") unless the caller may read them;
//   - OAuth 2.0 fetches no token: `authorization: Bearer ********`.
// Transport headers the HTTP client adds (host, content-length, connection) are not shown.
import type { HeraldEvent, Subscription } from '../domain/glossary.js';
import { newId } from '../domain/ids.js';
import { evaluateFilters, isFilterErrors } from '../fanout/filter.js';
import { channelsMatch, subscriberMatches, typeMatches } from '../fanout/match.js';
import { compiledFilter, eventVariables } from '../fanout/subscription-filter.js';
import type { DeliveryJob } from '../store/store.js';
import { type AuthorizeStage, prepare, recordedHeaders } from './attempt.js';
import type { AttemptContext } from './attempt-context.js';
import { authorize, setCredential } from './auth/index.js';
import type { HttpClient } from './http-client.js';

export const MASKED = '********';
const REDACTED_HEADER = '[redacted]';
/** The dispatcher's User-Agent (dispatcher.ts, `userAgent` default). */
export const DELIVERY_USER_AGENT = 'Herald-Webhooks/0.1';

export interface PreviewFilter {
  expression: string;
  result: boolean | null;
  error?: string;
  code?: string;
}

export interface PreviewRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The exact body; null for a GET. */
  body: string | null;
}

/** Why the event would not reach the subscription, checked in fan-out's order. */
export type PreviewMiss = 'event_type' | 'subscriber' | 'channels' | 'filter';

export interface Preview {
  /** The event would reach the subscription: its type matches a pattern, its subscriber scope and
   *  channels allow it, and every filter expression holds (no filter: true). */
  matches: boolean;
  /** When it would not, the first reason. */
  reason?: PreviewMiss;
  filters: PreviewFilter[];
  /** null when the format cannot render the event (then `error` says why: format_error). */
  request: PreviewRequest | null;
  error?: { code: string; message: string };
}

export interface PreviewOptions {
  /** Herald's public base URL (cloudblue's api_url, the JWT's). */
  publicUrl: string;
  /** The event type's description in the catalogue, as delivery has it; default ''. */
  description?: string;
  /** Show custom header values (the caller may read secrets); else "[redacted]". */
  revealHeaders: boolean;
  now?: number;
}

// A preview makes no request: a stage that tried would get this answer.
const noClient = {
  send: async () => ({ kind: 'error', code: 'blocked', message: 'a preview sends nothing', durationMs: 0 }),
} as unknown as HttpClient;

/** Signs and authorizes as an attempt does, but OAuth 2.0 fetches no token. */
const previewAuthorize: AuthorizeStage = async (job, request, context) => {
  if (job.subscription.auth?.type !== 'oauth2') return authorize(job, request, context);
  const failure = await authorize({ ...job, subscription: { ...job.subscription, auth: null } }, request, context);
  setCredential(request, 'authorization', `Bearer ${MASKED}`);
  request.credentials.delete('authorization'); // masked already: shown as the scheme and the mask
  return failure;
};

/** What `subscription` would do with `event`. */
export async function previewDelivery(subscription: Subscription, event: HeraldEvent, options: PreviewOptions): Promise<Preview> {
  const now = options.now ?? Date.now();
  const preview: Preview = { matches: true, filters: [], request: null };
  const miss: PreviewMiss | null = !typeMatches(subscription.eventTypes, event.type)
    ? 'event_type'
    : !subscriberMatches(subscription.subscriberId, event.subscriberId)
      ? 'subscriber'
      : !channelsMatch(subscription.channels, event.channels)
        ? 'channels'
        : null;
  if (subscription.filter !== null && subscription.filter.length > 0) {
    const compiled = compiledFilter(subscription.filter);
    if (isFilterErrors(compiled)) {
      preview.matches = false;
      preview.filters = compiled.map((e) => ({ expression: e.expression, result: null, error: e.message, code: e.code }));
    } else {
      const evaluation = evaluateFilters(compiled, eventVariables(event));
      preview.matches = evaluation.matches;
      preview.filters = evaluation.results;
    }
  }
  if (miss !== null || !preview.matches) {
    preview.matches = false;
    preview.reason = miss ?? 'filter';
  }
  const job: DeliveryJob = {
    messageId: newId('msg', now),
    eventId: event.id,
    eventType: event.type,
    eventCreatedAt: event.createdAt,
    dataJson: event.dataJson,
    attempts: 0,
    retries: 0,
    manual: false,
    subscription,
    subscriberEnabled: true,
  };
  const context: AttemptContext = {
    now,
    publicUrl: options.publicUrl,
    client: noClient,
    deadline: now + Math.round(subscription.timeoutSeconds * 1000),
    userAgent: DELIVERY_USER_AGENT,
    describe: () => options.description ?? '',
  };
  const prepared = await prepare(job, context, previewAuthorize);
  if ('kind' in prepared) {
    preview.error = { code: prepared.code, message: prepared.message };
    return preview;
  }
  preview.request = {
    method: subscription.method,
    url: subscription.url,
    headers: recordedHeaders(prepared, subscription.headers, {
      credential: MASKED,
      custom: options.revealHeaders ? null : REDACTED_HEADER,
    }),
    body: subscription.method === 'GET' ? null : prepared.body,
  };
  return preview;
}
