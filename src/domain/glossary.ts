// The vocabulary of Herald (DESIGN.md §2). Every noun is named once here and these names are used
// everywhere: subscriber, subscription, event type, event, message, attempt, API key.
// Times are milliseconds since the epoch (`...At: number`); the API renders them as ISO 8601.

/** A name like `salesorder.created`, with a description, an optional JSON Schema its events' data
 *  must match, and an optional example of that data (sent by "Trigger now" when no data is given). */
export interface EventType {
  name: string;
  description: string;
  schema: unknown | null;
  example: unknown | null;
  createdAt: number;
  updatedAt: number;
}

/** A consumer of webhooks: a partner, a customer, an integration. Owns subscriptions. */
export interface Subscriber {
  id: string; // sbr_...
  name: string;
  enabled: boolean;
  metadata: Record<string, string> | null;
  createdAt: number;
  updatedAt: number;
}

export const HTTP_METHODS = ['POST', 'GET'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const PAYLOAD_FORMATS = ['standard', 'raw', 'acculynx', 'cloudblue', 'template'] as const;
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];

/** Integration presets for `payloadFormat: "template"` (src/presets/templates/). */
export const TEMPLATE_PRESET_NAMES = ['slack', 'teams', 'discord'] as const;
export type TemplatePresetName = (typeof TEMPLATE_PRESET_NAMES)[number];

/** Batched delivery (seed 004): messages of the subscription wait until `maxEvents` of them, their
 *  formatted bodies reach `maxBytes`, or the oldest has waited `maxWaitMs`, then go as one request
 *  whose body is a JSON array of their payloads. */
export interface BatchSettings {
  maxEvents: number;
  maxWaitMs: number;
  maxBytes: number | null;
}

/** How a subscription's requests authenticate to the receiver, beside (or, with `signing: false`,
 *  instead of) the Standard Webhooks signature (DESIGN.md §5, seeds 002 and 004). Every string
 *  named in AUTH_CREDENTIAL_FIELDS is a credential: sealed at rest, masked for non-admin keys,
 *  never in an attempt, an audit entry or a log line. */
export const AUTH_TYPES = ['jwt', 'basic', 'oauth2', 'apiKey'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

/** Seed 002's JWT bearer: `Authorization: Bearer <HS256 JWT>` minted per attempt. The secret rotates
 *  like the signing secret: the one it replaced is kept until `previousSecretExpiresAt`. */
export interface JwtAuth {
  type: 'jwt';
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
}
export interface BasicAuth {
  type: 'basic';
  username: string;
  password: string;
}
/** OAuth 2.0 client credentials: a token from `tokenUrl`, sent as `Authorization: Bearer`. */
export interface OAuth2Auth {
  type: 'oauth2';
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string | null;
  audience: string | null;
}
/** Seed 004's API key: `header: value` (`X-API-Key`). */
export interface ApiKeyAuth {
  type: 'apiKey';
  header: string;
  value: string;
}
export type SubscriptionAuth = JwtAuth | BasicAuth | OAuth2Auth | ApiKeyAuth;

/** The fields of each auth method that hold a credential. */
export const AUTH_CREDENTIAL_FIELDS = {
  jwt: ['secret', 'previousSecret'],
  basic: ['password'],
  oauth2: ['clientSecret'],
  apiKey: ['value'],
} as const satisfies { [T in AuthType]: readonly (keyof Extract<SubscriptionAuth, { type: T }>)[] };

/** A subscription's health (README "Endpoint health"): `disabled` when it is not enabled; `failing`
 *  when its breaker is open or the breaker threshold of attempts in a row failed; `degraded` when
 *  some did, fewer; `healthy` otherwise. */
export const HEALTH_STATUSES = ['healthy', 'degraded', 'failing', 'disabled'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/** Why a subscription is not healthy: failing or degraded for `consecutive_failures` or
 *  `breaker_open`; disabled through the API (`disabled_manually`), by a 410 Gone
 *  (`endpoint_gone`), or for failing too long (`out_of_order`, seed 002's word). */
export const HEALTH_REASONS = ['consecutive_failures', 'breaker_open', 'disabled_manually', 'endpoint_gone', 'out_of_order'] as const;
export type HealthReason = (typeof HEALTH_REASONS)[number];

/** A subscription's circuit breaker: `closed` lets attempts through; `open` holds them back until a
 *  cool-down ends; `half_open` while one probe is out. */
export const BREAKER_STATES = ['closed', 'open', 'half_open'] as const;
export type BreakerState = (typeof BREAKER_STATES)[number];

/** How a subscription's deliveries are going, with its breaker. src/domain/health.ts makes every
 *  change; the stores keep what it decides. */
export interface SubscriptionHealth {
  status: HealthStatus;
  /** null when healthy. */
  reason: HealthReason | null;
  /** When the status last changed. */
  since: number;
  /** Attempts in a row that did not succeed (any answer but a 2xx, or none). */
  consecutiveFailures: number;
  /** The first failed attempt after the last success; null while the last attempt succeeded. */
  failingSince: number | null;
  /** When the last attempt answered 2xx, and the last that did not (seed 002's last_success_at and
   *  last_failure_at), to the second (the start of the second it was made in); null: none yet. */
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  /** Messages failed for good (retries used up) since failingSince. */
  failedMessages: number;
  breaker: BreakerState;
  /** Transport errors, timeouts and 5xx in a row: the breaker opens when they reach the threshold. */
  breakerFaults: number;
  /** open: when the cool-down ends and a probe may go; half_open: when the probe's lease ends;
   *  null when closed. A message the breaker holds back is due at exactly this time. */
  breakerUntil: number | null;
  /** When the breaker opened (kept while it probes and re-opens); null when closed. */
  breakerOpenedAt: number | null;
}

/** One delivery target of a subscriber: where, how, and which event types. */
/** A subscription's rate limit: `limit` attempts per `periodSeconds`. */
export interface RateLimit {
  limit: number;
  periodSeconds: number;
}

export interface Subscription {
  id: string; // sub_...
  subscriberId: string;
  name: string | null;
  description: string | null;
  url: string;
  method: HttpMethod;
  /** Exact names (`salesorder.created`) or wildcards (`salesorder.*`, `*`). */
  eventTypes: string[];
  /** When set, only events sent on one of these channels are delivered here. */
  channels: string[] | null;
  headers: Record<string, string>;
  payloadFormat: PayloadFormat;
  /** Seconds to wait before each retry; overrides the default 10^(n × interval) schedule. */
  retrySchedule: number[] | null;
  timeoutSeconds: number;
  /** Most attempts in flight to it at once, per delivering process (1: one at a time, in order of
   *  due time); null: adaptive (src/delivery/fairness.ts). */
  maxInFlight: number | null;
  /** At most `limit` attempts per `periodSeconds`, shared by every delivering process
   *  (src/delivery/rate-limit.ts); null: no limit. */
  rateLimit: RateLimit | null;
  /** CEL expressions over the event (seed 004's `order.total > 100`), all of which must hold for an
   *  event to reach the subscription (src/fanout/filter.ts); null: every event of its types. */
  filter: string[] | null;
  /** With `payloadFormat: "template"`: the JSON document whose `{{ ... }}` holes are CEL expressions
   *  (src/delivery/formats/template-engine.ts), or a preset's name instead; otherwise both null. */
  template: unknown | null;
  templatePreset: TemplatePresetName | null;
  /** Batched delivery; null: one request per message. */
  batch: BatchSettings | null;
  /** How requests authenticate to the receiver beyond the signature; null: only the signature. */
  auth: SubscriptionAuth | null;
  /** Standard Webhooks signature headers on every request (default true). */
  signing: boolean;
  /** Seed 002's "Additional data": a JSON object (at most 64 KB) sent as the `cloudblue` body's and
   *  the JWT's `data`; null when none. */
  customData: Record<string, unknown> | null;
  enabled: boolean;
  /** Standard Webhooks signing secret, `whsec_` + base64. */
  secret: string;
  /** The secret before the last rotation: deliveries are signed with it too until it expires. */
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
  /** Kept by delivery (src/domain/health.ts); the API shows it and changes it only with `enabled`. */
  health: SubscriptionHealth;
  createdAt: number;
  updatedAt: number;
}

/** The secrets a request to `subscription` is signed with at `at` (ms): the current one, then the
 *  one a rotation replaced until it expires. */
export function signingSecrets(
  { secret, previousSecret, previousSecretExpiresAt }: Pick<Subscription, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>,
  at: number,
): string[] {
  if (previousSecret !== null && previousSecretExpiresAt !== null && previousSecretExpiresAt > at) return [secret, previousSecret];
  return [secret];
}

/** One occurrence sent by a producer. `dataJson` is the event's data as received (JSON text). */
export interface HeraldEvent {
  id: string; // evt_...
  type: string;
  dataJson: string;
  idempotencyKey: string | null;
  subscriberId: string | null;
  channels: string[] | null;
  createdAt: number;
}

/** Message status, with Jiwa's numbers (seed 001 "Message Statuses"). */
export const MESSAGE_STATUSES = ['pending', 'succeeded', 'retrying', 'failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
export const STATUS_NUMBER: Record<MessageStatus, 0 | 1 | 2 | 3> = { pending: 0, succeeded: 1, retrying: 2, failed: 3 };
export const STATUS_NAME: readonly MessageStatus[] = MESSAGE_STATUSES; // index = Jiwa number

/** One event bound for one subscription: the unit of delivery. */
export interface Message {
  id: string; // msg_..., also the `webhook-id` header on every attempt
  eventId: string;
  eventType: string;
  subscriberId: string;
  subscriptionId: string;
  url: string; // the subscription's current URL
  status: MessageStatus;
  /** Attempts made so far, manual ones included. */
  attempts: number;
  /** Scheduled retries used so far; indexes the retry schedule. Jiwa's `Retries`. */
  retries: number;
  /** When the next attempt is due; while an attempt is in flight, when its lease expires. */
  nextAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export const ATTEMPT_TRIGGERS = ['scheduled', 'manual'] as const;
export type AttemptTrigger = (typeof ATTEMPT_TRIGGERS)[number];

/** One HTTP request of a message and its outcome (Jiwa's "message response"). */
export interface Attempt {
  id: string; // att_...
  messageId: string;
  subscriptionId: string;
  subscriberId: string;
  eventType: string;
  /** null when no HTTP response arrived (network error, timeout, blocked). */
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  /** The first 20 KB of the response body, as text. */
  responseBody: string;
  trigger: AttemptTrigger;
  createdAt: number;
}

export const API_KEY_SCOPES = ['admin', 'ingest', 'read', 'subscriber'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** A caller's credential. Only the SHA-256 of the key is stored. */
export interface ApiKey {
  id: string; // key_...
  name: string;
  scope: ApiKeyScope;
  /** For `subscriber` scope: the subscriber it may see. */
  subscriberId: string | null;
  hash: string; // hex SHA-256 of the key
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  /** Callers must come from one of these CIDRs (`10.0.0.0/8`, `2001:db8::/32`, a bare address); null: anywhere. */
  allowedIps: string[] | null;
  /** Requests per second this key may make; null: the configured default (HERALD_RATE_LIMIT); 0: unlimited. */
  rateLimit: number | null;
}

/**
 * One change made through the API or the CLI, for the audit log. `actor` is who made it: an API
 * key's id (`key_...`), `admin` (the configured HERALD_ADMIN_KEY), `cli`, or a session id (`ses_...`).
 * `action` is `<resourceType>.<verb>` (see domain/audit.ts); `changes` holds the fields sent, with
 * secrets replaced by "[redacted]".
 */
export interface AuditEntry {
  id: string; // aud_...
  createdAt: number;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  changes: Record<string, unknown> | null;
  /** The caller's address, as the API saw it; null from the CLI. */
  ip: string | null;
}
