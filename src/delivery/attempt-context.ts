// What the stages of one attempt share besides the job (attempt.ts builds it once per request):
// when the attempt is made, Herald's public URL, and the SSRF-guarded client with the attempt's
// deadline, for stages that make requests of their own (an OAuth 2.0 token fetch).
import type { HttpClient } from './http-client.js';
import type { RelayRoutes } from './relay.js';

export interface AttemptContext {
  /** When the request is made (ms): the signature's timestamp, the JWT's and cloudblue's triggered_at. */
  now: number;
  /** Herald's public base URL, no trailing slash (HERALD_PUBLIC_URL): cloudblue's `api_url` + /v1/. */
  publicUrl: string;
  /** The delivery client, SSRF guard included: any request a stage makes goes through it. */
  client: HttpClient;
  /** Listeners connected by `herald listen --subscription` (relay.ts): a subscription with one is
   *  sent its requests through it instead of to its URL. */
  relays?: RelayRoutes;
  /** When the whole attempt must be over (ms, Date.now() clock): token fetch, send and resend. */
  deadline: number;
  userAgent: string;
  /** The catalogue's description of an event type ('' when none): a template's event.description. */
  describe: (eventType: string) => string;
}

/** What a payload format may use: the attempt's time and Herald's public URL (no I/O). */
export type FormatContext = Pick<AttemptContext, 'now' | 'publicUrl'> & Partial<Pick<AttemptContext, 'describe'>>;
