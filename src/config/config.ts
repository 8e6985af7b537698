// Herald's configuration: one typed schema with every default and unit in one place. Layers, later
// wins: defaults → config file (HERALD_CONFIG, JSON) → HERALD_* environment → command-line flags.
// Validated at start; an invalid value stops the process with a message naming the setting.
import { readFileSync } from 'node:fs';
import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';
import { parseNetworks } from '../delivery/ssrf.js';
import type { HealthPolicy } from '../domain/health.js';
import { leaseMs } from '../domain/lease.js';

export const ConfigSchema = Type.Object({
  databaseUrl: Type.String({ default: 'sqlite:./herald.db', env: 'HERALD_DATABASE_URL', description: 'sqlite:<path> or postgres://...' }),
  port: Type.Integer({ default: 8080, minimum: 0, maximum: 65535, env: 'HERALD_PORT', description: 'HTTP port (0 = any free port)' }),
  host: Type.String({ default: '0.0.0.0', env: 'HERALD_HOST', description: 'address the HTTP server listens on' }),
  publicUrl: Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
    default: null,
    env: 'HERALD_PUBLIC_URL',
    description:
      "Herald's public base URL (https://hooks.example.com); the `cloudblue` body and JWT claim `api_url` is it + /v1/. unset: http://HOST:PORT of the listener (localhost for 0.0.0.0 and ::)",
  }),
  role: Type.Union([Type.Literal('all'), Type.Literal('api'), Type.Literal('worker')], {
    default: 'all',
    env: 'HERALD_ROLE',
    description: 'api: serve the API only; worker: deliver (and serve /healthz, /metrics); all: both (the only role on SQLite)',
  }),
  adminKey: Type.Union([Type.String({ minLength: 16 }), Type.Null()], {
    default: null,
    env: 'HERALD_ADMIN_KEY',
    description: 'Admin API key; when unset on first start one is generated and printed once',
  }),
  logLevel: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    {
      default: 'info',
      env: 'HERALD_LOG_LEVEL',
    },
  ),
  // Delivery
  retryInterval: Type.Number({
    default: 1,
    minimum: 0,
    maximum: 10,
    env: 'HERALD_RETRY_INTERVAL',
    description: 'retry n waits 10^(n × this) seconds',
  }),
  maxRetries: Type.Integer({
    default: 6,
    minimum: 0,
    maximum: 50,
    env: 'HERALD_MAX_RETRIES',
    description: 'retries after the first attempt before a message is failed',
  }),
  timeoutSeconds: Type.Number({
    default: 30,
    minimum: 0.1,
    maximum: 300,
    env: 'HERALD_TIMEOUT_SECONDS',
    description: 'default per-attempt deadline',
  }),
  maxTimeoutSeconds: Type.Number({
    default: 300,
    minimum: 1,
    maximum: 3600,
    env: 'HERALD_MAX_TIMEOUT_SECONDS',
    description: 'largest timeout a subscription may set',
  }),
  leaseMarginMs: Type.Integer({
    default: 15_000,
    minimum: 0, // the lease check below names the real floor, MIN_LEASE_MARGIN_MS
    maximum: 3_600_000,
    env: 'HERALD_LEASE_MARGIN_MS',
    description:
      'a claimed message is leased for its attempt deadline + this; time to record the attempt before another worker may take the message (at least 1000)',
  }),
  concurrency: Type.Integer({
    default: 2_048,
    minimum: 1,
    maximum: 10_000,
    env: 'HERALD_CONCURRENCY',
    description: 'attempts in flight per worker',
  }),
  connectionsPerOrigin: Type.Integer({
    default: 64,
    minimum: 1,
    maximum: 1024,
    env: 'HERALD_CONNECTIONS_PER_ORIGIN',
    description: 'keep-alive connections per receiver origin and process',
  }),
  claimBatch: Type.Integer({
    default: 500,
    minimum: 1,
    maximum: 5_000,
    env: 'HERALD_CLAIM_BATCH',
    description: 'most messages claimed at once',
  }),
  pollIntervalMs: Type.Integer({
    default: 1_000,
    minimum: 10,
    maximum: 60_000,
    env: 'HERALD_POLL_INTERVAL_MS',
    description: 'longest an idle worker waits before looking for due messages without a notification',
  }),
  // Endpoint health (src/domain/health.ts; README "Endpoint health")
  operationalWebhooks: Type.Boolean({
    default: true,
    env: 'HERALD_OPERATIONAL_WEBHOOKS',
    description:
      'report subscriptions failing, disabled and recovered and messages failed as events to the built-in operator subscriber (sbr_00000000000000000000000000), once an operator subscribes it',
  }),
  breakerThreshold: Type.Integer({
    default: 10,
    minimum: 1,
    maximum: 10_000,
    env: 'HERALD_BREAKER_THRESHOLD',
    description:
      "transport errors, timeouts or 5xx in a row that open a subscription's circuit breaker; as many failed attempts in a row make it failing",
  }),
  breakerCooldownSeconds: Type.Number({
    default: 30,
    minimum: 0.05,
    maximum: 86_400,
    env: 'HERALD_BREAKER_COOLDOWN_SECONDS',
    description:
      'how long an open breaker holds messages back before one probe goes out; 30 s costs a dead endpoint two requests a minute and gets an endpoint back from a restart or deploy its traffic within half a minute',
  }),
  autoDisableAfterSeconds: Type.Number({
    default: 432_000,
    minimum: 0,
    maximum: 31_536_000,
    env: 'HERALD_AUTO_DISABLE_AFTER_SECONDS',
    description:
      'a subscription failing this long without a success (432000 s = 5 days) is disabled as out_of_order, once enough of its messages failed (HERALD_AUTO_DISABLE_MIN_FAILED_MESSAGES); 0 = never',
  }),
  autoDisableMinFailedMessages: Type.Integer({
    default: 2,
    minimum: 0,
    maximum: 1_000_000,
    env: 'HERALD_AUTO_DISABLE_MIN_FAILED_MESSAGES',
    description: 'messages failed for good (retries used up) since the failures began, needed before a subscription is auto-disabled',
  }),
  retentionDays: Type.Number({
    default: 90,
    minimum: 0,
    maximum: 36_500,
    env: 'HERALD_RETENTION_DAYS',
    description:
      'events older than this are deleted with their messages and attempts, once every message is settled; checked hourly by delivering processes (0 = keep forever)',
  }),
  shutdownGraceMs: Type.Integer({
    default: 10_000,
    minimum: 0,
    env: 'HERALD_SHUTDOWN_GRACE_MS',
    description: 'on SIGTERM, how long attempts in flight may finish',
  }),
  responseBodyCapBytes: Type.Integer({
    default: 20_480,
    minimum: 0,
    maximum: 1_048_576,
    env: 'HERALD_RESPONSE_BODY_CAP_BYTES',
    description: 'bytes of each response body recorded with its attempt',
  }),
  // Outbound security (src/delivery/ssrf.ts)
  allowedNetworks: Type.String({
    default: '',
    env: 'HERALD_ALLOWED_NETWORKS',
    description: 'comma-separated CIDRs Herald may deliver to although the SSRF guard blocks them (e.g. 10.0.0.0/8)',
  }),
  requireHttps: Type.Boolean({ default: false, env: 'HERALD_REQUIRE_HTTPS', description: 'refuse http:// subscription URLs' }),
  caFile: Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
    default: null,
    env: 'HERALD_CA_FILE',
    description: 'PEM file of extra CA certificates trusted for deliveries, besides the built-in ones',
  }),
  // API
  payloadLimitBytes: Type.Integer({
    default: 10_485_760,
    minimum: 1_024,
    env: 'HERALD_PAYLOAD_LIMIT_BYTES',
    description: 'largest request body accepted (413 above)',
  }),
  rateLimit: Type.Integer({
    default: 0,
    minimum: 0,
    maximum: 1_000_000,
    env: 'HERALD_RATE_LIMIT',
    description: 'requests per second per API key, counted per process; 0 = unlimited; a key may set its own',
  }),
  // Slow clients (a slowloris holds connections by sending a request slowly): each phase has a
  // deadline, after which the server answers 408 and closes the connection, and the connections
  // open at once are capped.
  headersTimeoutMs: Type.Integer({
    default: 10_000,
    minimum: 100,
    maximum: 600_000,
    env: 'HERALD_HEADERS_TIMEOUT_MS',
    description: 'a client must send the headers of a request within this of starting it (408 and closed after); at most requestTimeoutMs',
  }),
  requestTimeoutMs: Type.Integer({
    default: 60_000,
    minimum: 100,
    maximum: 3_600_000,
    env: 'HERALD_REQUEST_TIMEOUT_MS',
    description:
      'a client must send a whole request, headers and body, within this (408 and closed after); 60 s carries a 10 MB body (HERALD_PAYLOAD_LIMIT_BYTES) at 1.4 Mbit/s',
  }),
  keepAliveTimeoutMs: Type.Integer({
    default: 72_000,
    minimum: 100,
    maximum: 3_600_000,
    env: 'HERALD_KEEP_ALIVE_TIMEOUT_MS',
    description:
      'an idle keep-alive connection is closed after this; longer than the 60 s idle timeout of common load balancers, so they do not reuse a connection as Herald closes it',
  }),
  maxConnections: Type.Integer({
    default: 2_048,
    minimum: 1,
    maximum: 1_000_000,
    env: 'HERALD_MAX_CONNECTIONS',
    description:
      'HTTP connections open at once, per process; more are closed as they arrive, keeping file descriptors for deliveries and the database',
  }),
  trustProxy: Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
    default: null,
    env: 'HERALD_TRUST_PROXY',
    description: 'comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For names the caller; unset = the socket address',
  }),
  // Secrets at rest (src/security/)
  secretKey: Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
    default: null,
    env: 'HERALD_SECRET_KEY',
    description:
      'AES-256 key (32 bytes, base64 or hex) sealing subscription secrets; unset with SQLite = a key file next to the database; required with PostgreSQL',
  }),
  // Jiwa-compatible API (src/api/jiwa/; seed 001's settings named in each description)
  autoQueryMaxLimit: Type.Integer({
    default: 100,
    minimum: 1,
    maximum: 1_000,
    env: 'HERALD_AUTOQUERY_MAX_LIMIT',
    description: 'AutoQueryMaxLimit: most rows a Jiwa list returns (Take is capped to it)',
  }),
  sessionExpiryMinutes: Type.Number({
    default: 5,
    minimum: 0.01,
    maximum: 525_600,
    env: 'HERALD_SESSION_EXPIRY_MINUTES',
    description: 'SessionExpiryInMinutes: idle minutes before a session (/auth, POST /v1/sessions) expires',
  }),
  webhooksClientKey: Type.Union([Type.String({ minLength: 16 }), Type.Null()], {
    default: null,
    env: 'HERALD_WEBHOOKS_CLIENT_KEY',
    description: 'WebhooksClientKey: an ingest-only API key for producers; when unset one is generated at first start and printed once',
  }),
  jiwaUserName: Type.String({ default: 'admin', minLength: 1, env: 'HERALD_JIWA_USERNAME', description: 'UserName accepted by /auth' }),
  jiwaPassword: Type.Union([Type.String({ minLength: 8 }), Type.Null()], {
    default: null,
    env: 'HERALD_JIWA_PASSWORD',
    description: 'Password accepted by /auth besides an admin API key; unset: only an admin API key is a password',
  }),
  jiwaDateFormat: Type.Union([Type.Literal('wcf'), Type.Literal('iso8601')], {
    default: 'wcf',
    env: 'HERALD_JIWA_DATE_FORMAT',
    description: 'dates in Jiwa JSON: wcf = "\\/Date(ms-0000)\\/", iso8601 = "2020-05-20T00:49:09.6770000Z"',
  }),
  eventCatalogue: Type.Union([Type.Literal('none'), Type.Literal('jiwa')], {
    default: 'none',
    env: 'HERALD_EVENT_CATALOGUE',
    description: 'a preset event catalogue imported at start (existing event types are kept)',
  }),
  // PostgreSQL
  pgPoolMax: Type.Integer({
    default: 10,
    minimum: 1,
    maximum: 500,
    env: 'HERALD_PG_POOL_MAX',
    description: "PostgreSQL connections per process, opened as needed (a worker's LISTEN connection is one more)",
  }),
});

export type HeraldConfig = Static<typeof ConfigSchema>;
export type ConfigKey = keyof HeraldConfig;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Layer = Partial<Record<ConfigKey, unknown>>;

/** Reads HERALD_* variables named in the schema. */
export function fromEnv(env: NodeJS.ProcessEnv): Layer {
  const out: Layer = {};
  for (const [key, schema] of Object.entries(ConfigSchema.properties) as [ConfigKey, { env?: string }][]) {
    const value = schema.env ? env[schema.env] : undefined;
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

export function fromFile(path: string): Layer {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Layer;
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
}

/** Merges the layers over the defaults, converts strings to numbers, and validates. */
/** Seed 001's setting names, accepted in a config file as aliases of Herald's. */
export const JIWA_SETTINGS: Record<string, ConfigKey> = {
  WebhooksRetryInterval: 'retryInterval',
  WebhooksMaxRetries: 'maxRetries',
  WebhooksClientKey: 'webhooksClientKey',
  AutoQueryMaxLimit: 'autoQueryMaxLimit',
  SessionExpiryInMinutes: 'sessionExpiryMinutes',
};

export function resolveConfig(...layers: Layer[]): HeraldConfig {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) for (const [k, v] of Object.entries(layer)) if (v !== undefined) merged[JIWA_SETTINGS[k] ?? k] = v;
  for (const key of Object.keys(merged)) {
    if (!(key in ConfigSchema.properties)) throw new ConfigError(`unknown setting "${key}"`);
  }
  const withDefaults = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, merged)) as Record<string, unknown>;
  if (!Value.Check(ConfigSchema, withDefaults)) {
    const first = Value.Errors(ConfigSchema, withDefaults)[0];
    const path = first ? String((first as { instancePath?: string }).instancePath ?? '').replace(/^\//, '') : '';
    const env = (ConfigSchema.properties as Record<string, { env?: string }>)[path]?.env;
    throw new ConfigError(`invalid setting ${path}${env ? ` (${env})` : ''}: ${first?.message ?? 'invalid'}`);
  }
  const config = withDefaults as HeraldConfig;
  if (config.timeoutSeconds > config.maxTimeoutSeconds) throw new ConfigError('timeoutSeconds must not exceed maxTimeoutSeconds');
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    throw new ConfigError(
      `invalid setting headersTimeoutMs (HERALD_HEADERS_TIMEOUT_MS): ${config.headersTimeoutMs} ms exceeds requestTimeoutMs (HERALD_REQUEST_TIMEOUT_MS, ${config.requestTimeoutMs} ms), which includes the headers`,
    );
  }
  checkLease(config);
  if (config.publicUrl !== null) {
    const url = URL.canParse(config.publicUrl) ? new URL(config.publicUrl) : null;
    if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
      throw new ConfigError(
        `invalid setting publicUrl (HERALD_PUBLIC_URL): ${config.publicUrl} is not an http(s) URL without query or fragment`,
      );
    }
  }
  try {
    parseNetworks(config.allowedNetworks);
  } catch (err) {
    throw new ConfigError(`invalid setting allowedNetworks (HERALD_ALLOWED_NETWORKS): ${(err as Error).message}`);
  }
  return config;
}

// The least lease margin (src/domain/lease.ts): time to record an attempt after its deadline.
export const MIN_LEASE_MARGIN_MS = 1_000;

/**
 * Refuses settings under which a lease could run out while its attempt is in flight, which would
 * let a second worker deliver the message at the same time. Checked for the longest deadline a
 * subscription may set (maxTimeoutSeconds) and the default one.
 */
function checkLease(config: HeraldConfig): void {
  for (const seconds of [config.timeoutSeconds, config.maxTimeoutSeconds]) {
    const deadlineMs = seconds * 1000;
    if (leaseMs(seconds, config.leaseMarginMs) < deadlineMs + MIN_LEASE_MARGIN_MS) {
      throw new ConfigError(
        `invalid setting leaseMarginMs (HERALD_LEASE_MARGIN_MS): ${config.leaseMarginMs} ms leaves no time to record an attempt ` +
          `of ${seconds} s before its lease ends; the lease (attempt deadline + margin) must exceed the deadline by at least ` +
          `${MIN_LEASE_MARGIN_MS} ms`,
      );
    }
  }
}

/** Herald's public base URL without a trailing slash: HERALD_PUBLIC_URL, or the listener's own
 *  address (a wildcard listen address is shown as localhost). Receivers see it as `api_url`. */
export function publicBaseUrl(config: Pick<HeraldConfig, 'publicUrl' | 'host' | 'port'>): string {
  if (config.publicUrl !== null) return config.publicUrl.replace(/\/+$/, '');
  const host = config.host === '0.0.0.0' || config.host === '::' || config.host === '' ? 'localhost' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/** The health settings as src/domain/health.ts takes them. */
export function healthPolicy(config: HeraldConfig): HealthPolicy {
  return {
    breakerThreshold: config.breakerThreshold,
    breakerCooldownMs: Math.round(config.breakerCooldownSeconds * 1000),
    autoDisableAfterMs: Math.round(config.autoDisableAfterSeconds * 1000),
    autoDisableMinFailedMessages: config.autoDisableMinFailedMessages,
  };
}

/** The configuration of this process: defaults, HERALD_CONFIG file, environment, then `flags`. */
export function loadConfig(flags: Layer = {}, env: NodeJS.ProcessEnv = process.env): HeraldConfig {
  const file = env.HERALD_CONFIG ? fromFile(env.HERALD_CONFIG) : {};
  return resolveConfig(file, fromEnv(env), flags);
}
