// `herald api-keys create|list|revoke`: API key management on the database directly, for the
// operator at the server's console (no running Herald or admin key needed). Keys are built by the
// same rules as POST /v1/api-keys, and every change is written to the audit log as actor `cli`.
// A key revoked here stops working in running servers once their key cache lapses (5 s).
import { parseArgs } from 'node:util';
import { renderApiKey } from '../api/render.js';
import { loadConfig } from '../config/config.js';
import { newApiKey } from '../domain/api-keys.js';
import { auditEntry, CLI_ACTOR } from '../domain/audit.js';
import { HeraldError } from '../domain/errors.js';
import { API_KEY_SCOPES, type ApiKey, type ApiKeyScope } from '../domain/glossary.js';
import { isId } from '../domain/ids.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { API_KEYS_USAGE } from './api-keys-usage.js';

export { API_KEYS_USAGE };

const PAGE = 1_000; // keys fetched per query when listing

class UsageError extends Error {}

function parseTimeFlag(value: string): number {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms)) throw new UsageError(`--expires must be an ISO 8601 time, not "${value}"`);
  return ms;
}

function parseRateLimit(value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`--rate-limit must be a whole number of requests per second, not "${value}"`);
  return Number(value);
}

function status(key: ApiKey, now: number): string {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  return 'active';
}

async function create(store: Store, values: Record<string, string | boolean | undefined>, json: boolean): Promise<void> {
  const name = values.name;
  const scope = values.scope;
  if (typeof name !== 'string') throw new UsageError('create needs --name');
  if (typeof scope !== 'string' || !(API_KEY_SCOPES as readonly string[]).includes(scope))
    throw new UsageError(`create needs --scope, one of ${API_KEY_SCOPES.join(', ')}`);
  const now = Date.now();
  const { key, record } = newApiKey(
    {
      name,
      scope: scope as ApiKeyScope,
      subscriberId: typeof values.subscriber === 'string' ? values.subscriber : null,
      expiresAt: typeof values.expires === 'string' ? parseTimeFlag(values.expires) : null,
      allowedIps: typeof values['allowed-ips'] === 'string' ? values['allowed-ips'].split(',').filter((s) => s.trim() !== '') : null,
      rateLimit: typeof values['rate-limit'] === 'string' ? parseRateLimit(values['rate-limit']) : null,
    },
    now,
  );
  if (record.subscriberId !== null && !(isId('sbr', record.subscriberId) && (await store.getSubscriber(record.subscriberId)))) {
    throw new HeraldError('unknown_subscriber', `No subscriber ${record.subscriberId}`);
  }
  await store.createApiKey(record);
  const { hash: _hash, ...shown } = record;
  await store.appendAudit(auditEntry({ actor: CLI_ACTOR, action: 'api-key.create', resourceId: record.id, changes: shown }, now));
  if (json) {
    console.log(JSON.stringify({ ...renderApiKey(record, now), key }));
    return;
  }
  console.log(`created ${record.id} (${record.scope}) "${record.name}"\n\n  API key (shown once, store it now):\n\n    ${key}\n`);
}

async function list(store: Store, json: boolean): Promise<void> {
  const keys: ApiKey[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listApiKeys({ limit: PAGE, cursor });
    keys.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor !== null);
  const now = Date.now();
  if (json) {
    console.log(JSON.stringify(keys.map((k) => renderApiKey(k, now))));
    return;
  }
  const rows = keys.map((k) => [
    k.id,
    k.scope,
    status(k, now),
    k.subscriberId ?? '-',
    new Date(k.createdAt).toISOString(),
    k.expiresAt === null ? '-' : new Date(k.expiresAt).toISOString(),
    k.name,
  ]);
  const header = ['ID', 'SCOPE', 'STATUS', 'SUBSCRIBER', 'CREATED', 'EXPIRES', 'NAME'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const row of [header, ...rows])
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
}

async function revoke(store: Store, id: string | undefined, json: boolean): Promise<void> {
  if (!id) throw new UsageError('revoke needs the key id: herald api-keys revoke key_...');
  const now = Date.now();
  const key = isId('key', id) ? await store.revokeApiKey(id, now) : null;
  if (!key) throw new HeraldError('not_found', `No API key ${id}`);
  await store.appendAudit(auditEntry({ actor: CLI_ACTOR, action: 'api-key.revoke', resourceId: key.id }, now));
  if (json) console.log(JSON.stringify(renderApiKey(key, now)));
  else console.log(`revoked ${key.id} "${key.name}" (running servers stop accepting it within 5 s)`);
}

/** Runs `herald api-keys ...`; returns the exit code. */
export async function apiKeysCommand(args: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        scope: { type: 'string' },
        subscriber: { type: 'string' },
        expires: { type: 'string' },
        'allowed-ips': { type: 'string' },
        'rate-limit': { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    // parseArgs' hints span lines: the first says what is wrong.
    console.error(
      `herald api-keys: ${(err as Error).message.split('\n')[0]?.replace(/\. To specify a positional.*$/, '')}; see herald api-keys --help`,
    );
    return 2;
  }
  const [sub, ...rest] = positionals;
  if (values.help) {
    console.log(API_KEYS_USAGE);
    return 0;
  }
  if (!sub || !['create', 'list', 'revoke'].includes(sub)) {
    console.error(
      `herald api-keys: ${sub ? `unknown subcommand "${sub}"` : 'which one'}: create, list or revoke; see herald api-keys --help`,
    );
    return 2;
  }
  const config = loadConfig(typeof values.db === 'string' ? { databaseUrl: values.db } : {});
  const store = await openStore(config.databaseUrl, { poolMax: 1 });
  const json = values.json === true;
  try {
    await store.migrate();
    if (sub === 'create') await create(store, values, json);
    else if (sub === 'list') await list(store, json);
    else await revoke(store, rest[0], json);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`herald api-keys: ${err.message}; see herald api-keys --help`);
      return 2;
    }
    if (err instanceof HeraldError && err.status < 500) {
      console.error(`herald api-keys: ${err.message} (${err.code})`);
      return 1;
    }
    throw err;
  } finally {
    await store.close();
  }
}
