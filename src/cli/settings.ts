// `herald settings`: every setting with the value this process would run with (from flags, HERALD_*
// variables, the HERALD_CONFIG file, defaults), where that value came from, and the default.
// Secrets are masked: keys and passwords entirely, the password inside any URL.
import type { HeraldConfig } from '../config/config.js';
import { type Command, parseFlags, table } from './command.js';

/** Settings whose whole value is a secret. */
const SECRET_SETTINGS: ReadonlySet<string> = new Set(['adminKey', 'secretKey', 'jiwaPassword', 'webhooksClientKey']);
const MASK = '****';

type Source = 'flag' | 'env' | 'file' | 'default';

export const SERVER_FLAGS_HELP = `  --db URL     database: sqlite:PATH, sqlite::memory: or postgres://... (HERALD_DATABASE_URL)
  --port N     port to listen on (HERALD_PORT)
  --host H     address to listen on (HERALD_HOST)
  --role R     all, api or worker (HERALD_ROLE)`;

const HELP = `usage: herald settings [--json] [--db URL --port N --host H --role R]

Every setting: its config-file key, its HERALD_* variable, the value Herald would run with here,
where that value comes from (flag, env, file = HERALD_CONFIG, default) and the default. Secrets
(admin key, secret key, Jiwa password, client key, a password in a URL) are shown as ${MASK}.

${SERVER_FLAGS_HELP}
  --json       [{"key", "variable", "value", "source", "default"}, ...]

Settings come from flags, then HERALD_* variables, then HERALD_CONFIG (a JSON file), then defaults.`;

/** A value as shown: secrets masked, URLs without their password. */
export function shownValue(key: string, value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (SECRET_SETTINGS.has(key)) return MASK;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // user:password@ in any URL (postgres://herald:secret@db/herald) keeps the user, not the password.
  return text.replace(/(\/\/[^/:@\s]*):[^@/\s]*@/g, `$1:${MASK}@`);
}

/** The flags `serve` and `settings` share, as config layers. */
export function serverFlags(values: {
  port?: string | undefined;
  host?: string | undefined;
  db?: string | undefined;
  role?: string | undefined;
}) {
  const flags: Partial<Record<keyof HeraldConfig, unknown>> = {};
  if (values.port !== undefined) flags.port = values.port;
  if (values.host !== undefined) flags.host = values.host;
  if (values.db !== undefined) flags.databaseUrl = values.db;
  if (values.role !== undefined) flags.role = values.role;
  return flags;
}

export interface SettingRow {
  key: string;
  variable: string | null;
  value: string;
  source: Source;
  default: string;
}

/** The settings of this process, in the schema's order. Throws ConfigError as `serve` would. */
export async function currentSettings(
  flags: Partial<Record<keyof HeraldConfig, unknown>>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SettingRow[]> {
  // Loaded here, not with the file: the schema takes seconds to load, which `herald --help` need not pay.
  const { ConfigSchema, fromEnv, fromFile, JIWA_SETTINGS, resolveConfig } = await import('../config/config.js');
  const rawFile = env.HERALD_CONFIG ? fromFile(env.HERALD_CONFIG) : {};
  const file: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rawFile)) file[JIWA_SETTINGS[k] ?? k] = v;
  const fromVariables = fromEnv(env);
  const config = resolveConfig(file, fromVariables, flags) as Record<string, unknown>;
  return Object.entries(ConfigSchema.properties as Record<string, { env?: string; default?: unknown }>).map(([key, schema]) => {
    const source: Source =
      (flags as Record<string, unknown>)[key] !== undefined
        ? 'flag'
        : (fromVariables as Record<string, unknown>)[key] !== undefined
          ? 'env'
          : file[key] !== undefined
            ? 'file'
            : 'default';
    return { key, variable: schema.env ?? null, value: shownValue(key, config[key]), source, default: shownValue(key, schema.default) };
  });
}

async function run(args: string[]): Promise<number> {
  const { values } = parseFlags(
    args,
    {
      db: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      role: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    0,
  );
  const rows = await currentSettings(serverFlags(values));
  if (values.json) console.log(JSON.stringify(rows, null, 2));
  else
    console.log(
      table(
        ['SETTING', 'VARIABLE', 'VALUE', 'SOURCE', 'DEFAULT'],
        rows.map((r) => [r.key, r.variable ?? '-', r.value, r.source, r.default]),
      ),
    );
  return 0;
}

export const settingsCommand: Command = {
  name: 'settings',
  summary: 'show every setting: current value (secrets masked), where it comes from, default',
  help: HELP,
  run,
};
