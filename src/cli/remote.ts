// What the operator commands (subscriptions, messages, replay, send, tail) share: the connection
// to a running Herald through the typed client (`--server`/HERALD_URL, `--key`/HERALD_KEY) and
// their output (a table, or JSON with --json).
import { createClient, type HeraldClient } from '../client/index.js';
import { UsageError } from './command.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

/** The flags every operator command takes. */
export const CONNECTION_OPTIONS = {
  server: { type: 'string' },
  key: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const CONNECTION_HELP = `connection:
  --server URL   Herald's URL (default: HERALD_URL, else ${DEFAULT_SERVER})
  --key KEY      an API key (default: HERALD_KEY); a read key is enough to look, changes need admin

exit codes: 0 done, 1 the API refused or the server cannot be reached (its message is printed),
2 bad arguments or no key`;

/** A client for the server and key of the flags, else of the environment. */
export function connect(
  values: { server?: string | undefined; key?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): HeraldClient {
  const server = values.server ?? (env.HERALD_URL || DEFAULT_SERVER);
  const key = values.key ?? env.HERALD_KEY;
  if (!key) throw new UsageError('no API key: pass --key KEY or set HERALD_KEY');
  if (!URL.canParse(server) || !/^https?:$/.test(new URL(server).protocol)) {
    throw new UsageError(`--server must be an http(s) URL, not "${server}"`);
  }
  return createClient({ baseUrl: server, key });
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/** An ISO time as `2026-01-31 12:00:00` (UTC, as the API gives it), or `-`. */
export function shortTime(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '-';
}

/** Text cut to `max` characters, with … when cut; `-` for none. */
export function cut(text: string | null | undefined, max: number): string {
  if (text === null || text === undefined || text === '') return '-';
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
