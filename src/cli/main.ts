#!/usr/bin/env node
// The `herald` command: serve, migrate, and operator tasks. Flags override HERALD_* variables,
// which override the config file (HERALD_CONFIG) and the defaults (src/config/config.ts).
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, type HeraldConfig, loadConfig } from '../config/config.js';
import { settingsTable } from '../config/settings-doc.js';
import { HeraldError } from '../domain/errors.js';
import { startHerald } from '../server.js';
import { openStore } from '../store/open.js';
import { Retention } from '../store/retention.js';
import { apiKeysCommand } from './api-keys.js';
import { EVENT_TYPES_USAGE, eventTypesCommand } from './event-types.js';
import { relayCommand } from './listen-relay.js';
import { rotateSecretKey, SECRETS_USAGE } from './secrets.js';

const USAGE = `usage: herald <command> [options]

commands:
  serve      run Herald (HTTP API and/or delivery worker)
             --port N  --host H  --db URL  --role all|api|worker
  migrate    apply database migrations and exit
             --db URL
  api-keys   create|list|revoke API keys (herald api-keys --help)
  settings   print every setting: variable, default, meaning
  purge      delete events past retention (HERALD_RETENTION_DAYS, or --days N) with
             their messages and attempts, once every message is settled  --db URL
  event-types import jiwa
             add seed 001's Jiwa event catalogue (events that exist are kept)  --db URL
  event-types import FILE.json
             add or update the event types of a file ({"eventTypes": [...]} or [...], as
             POST /v1/event-types/import takes): all or nothing, idempotent  --db URL
${SECRETS_USAGE}

Settings come from flags, then HERALD_* environment variables, then HERALD_CONFIG (a JSON file),
then defaults. See README.md for every setting.`;

type Flags = Partial<Record<keyof HeraldConfig, unknown>>;

function configFlags(values: Record<string, unknown>): Flags {
  const flags: Flags = {};
  if (values.port !== undefined) flags.port = values.port;
  if (values.host !== undefined) flags.host = values.host;
  if (values.db !== undefined) flags.databaseUrl = values.db;
  if (values.role !== undefined) flags.role = values.role;
  return flags;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'api-keys') return apiKeysCommand(rest); // has options of its own
  if (command === 'listen-relay') return relayCommand(rest); // `herald listen --subscription` until the lead wires it into listen.ts
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      role: { type: 'string' },
      'new-key': { type: 'string' },
      days: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (!command || values.help || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig(configFlags(values));
  switch (command) {
    case 'settings':
      console.log(settingsTable());
      return 0;
    case 'serve': {
      const logger = pino({ level: config.logLevel });
      const herald = await startHerald(config, logger);
      const shutdown = (signal: string) => {
        logger.info({ signal }, 'stopping: no new claims, waiting for attempts in flight');
        herald.stop().then(
          () => process.exit(0),
          (err) => {
            logger.error({ err }, 'unclean stop');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
      return -1; // keep running
    }
    case 'migrate': {
      const store = await openStore(config.databaseUrl, { poolMax: 1 });
      await store.migrate();
      await store.close();
      console.log(`migrated ${config.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}`);
      return 0;
    }
    case 'purge': {
      const days = values.days === undefined ? config.retentionDays : Number(values.days);
      if (!Number.isFinite(days) || days < 0) {
        console.error(`--days must be a number of days, 0 or more (got "${values.days}")`);
        return 2;
      }
      if (days === 0) {
        console.log('retention is off (0 days): nothing deleted');
        return 0;
      }
      const store = await openStore(config.databaseUrl, { poolMax: 1 });
      try {
        await store.migrate();
        const retention = new Retention(store, { retentionDays: days }, pino({ level: 'warn' }));
        const purged = await retention.purge();
        console.log(`deleted ${purged.events} events and ${purged.messages} messages older than ${days} days, with their attempts`);
      } finally {
        await store.close();
      }
      return 0;
    }
    case 'event-types': {
      if (positionals[0] !== 'import' || !positionals[1]) {
        console.error(EVENT_TYPES_USAGE);
        return 2;
      }
      const store = await openStore(config.databaseUrl, { poolMax: 1 });
      try {
        await store.migrate();
        return await eventTypesCommand(store, positionals);
      } finally {
        await store.close();
      }
    }
    case 'secrets': {
      if (positionals[0] !== 'rotate-key') {
        console.error(`unknown secrets command "${positionals.join(' ')}"\n\n${USAGE}`);
        return 2;
      }
      await rotateSecretKey(config, { newKey: (values['new-key'] as string | undefined) ?? null });
      return 0;
    }
    default:
      console.error(`unknown command "${command}" ${positionals.join(' ')}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    if (err instanceof ConfigError || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      console.error(`herald: ${(err as Error).message}`);
      process.exit(2);
    }
    if (err instanceof HeraldError && err.code === 'store_unavailable') {
      // The database cannot be used (read-only, disk full, unreachable): the reason, not a stack trace.
      console.error(`herald: ${err.message}`);
      process.exit(1);
    }
    console.error(err);
    process.exit(1);
  },
);
