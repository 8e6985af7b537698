// Herald's configuration: one typed schema with every default and unit in one place. Layers, later
// wins: defaults → config file (HERALD_CONFIG, JSON) → HERALD_* environment → command-line flags.
// Validated at start; an invalid value stops the process with a message naming the setting.
import { readFileSync } from 'node:fs';
import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';

export const ConfigSchema = Type.Object({
  databaseUrl: Type.String({ default: 'sqlite:./herald.db', env: 'HERALD_DATABASE_URL', description: 'sqlite:<path> or postgres://...' }),
  port: Type.Integer({ default: 8080, minimum: 0, maximum: 65535, env: 'HERALD_PORT' }),
  host: Type.String({ default: '0.0.0.0', env: 'HERALD_HOST' }),
  role: Type.Union([Type.Literal('all'), Type.Literal('api'), Type.Literal('worker')], { default: 'all', env: 'HERALD_ROLE' }),
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
  maxRetries: Type.Integer({ default: 6, minimum: 0, maximum: 50, env: 'HERALD_MAX_RETRIES' }),
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
    minimum: 1_000,
    env: 'HERALD_LEASE_MARGIN_MS',
    description: 'lease = attempt deadline + this',
  }),
  concurrency: Type.Integer({
    default: 512,
    minimum: 1,
    maximum: 10_000,
    env: 'HERALD_CONCURRENCY',
    description: 'attempts in flight per worker',
  }),
  connectionsPerOrigin: Type.Integer({ default: 64, minimum: 1, maximum: 1024, env: 'HERALD_CONNECTIONS_PER_ORIGIN' }),
  claimBatch: Type.Integer({ default: 500, minimum: 1, maximum: 5_000, env: 'HERALD_CLAIM_BATCH' }),
  pollIntervalMs: Type.Integer({ default: 1_000, minimum: 10, maximum: 60_000, env: 'HERALD_POLL_INTERVAL_MS' }),
  shutdownGraceMs: Type.Integer({ default: 10_000, minimum: 0, env: 'HERALD_SHUTDOWN_GRACE_MS' }),
  responseBodyCapBytes: Type.Integer({ default: 20_480, minimum: 0, maximum: 1_048_576, env: 'HERALD_RESPONSE_BODY_CAP_BYTES' }),
  // API
  payloadLimitBytes: Type.Integer({ default: 10_485_760, minimum: 1_024, env: 'HERALD_PAYLOAD_LIMIT_BYTES' }),
  // PostgreSQL
  pgPoolMax: Type.Integer({ default: 10, minimum: 1, maximum: 500, env: 'HERALD_PG_POOL_MAX', description: 'connections per process' }),
  // Retention
  retentionDays: Type.Integer({ default: 90, minimum: 1, env: 'HERALD_RETENTION_DAYS' }),
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
export function resolveConfig(...layers: Layer[]): HeraldConfig {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) for (const [k, v] of Object.entries(layer)) if (v !== undefined) merged[k] = v;
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
  return config;
}

/** The configuration of this process: defaults, HERALD_CONFIG file, environment, then `flags`. */
export function loadConfig(flags: Layer = {}, env: NodeJS.ProcessEnv = process.env): HeraldConfig {
  const file = env.HERALD_CONFIG ? fromFile(env.HERALD_CONFIG) : {};
  return resolveConfig(file, fromEnv(env), flags);
}
