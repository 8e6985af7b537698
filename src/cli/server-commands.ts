// The commands that run Herald or work on its database directly, at the server's console:
// serve, migrate, purge, event-types import, secrets rotate-key. (api-keys: api-keys.ts.)
// The server, store and configuration modules are imported when a command runs, not when this
// file loads: they take seconds to load, which `herald --help` and the API commands need not pay.
import { CATALOGUES } from '../presets/index.js';
import { type Command, intFlag, parseFlags, UsageError } from './command.js';
import { SERVER_FLAGS_HELP, serverFlags } from './settings.js';

const loadConfig = async (...args: Parameters<typeof import('../config/config.js').loadConfig>) =>
  (await import('../config/config.js')).loadConfig(...args);
const openStore = async (...args: Parameters<typeof import('../store/open.js').openStore>) =>
  (await import('../store/open.js')).openStore(...args);

const DB_HELP = '  --db URL     database: sqlite:PATH, sqlite::memory: or postgres://... (default HERALD_DATABASE_URL)';
const SETTINGS_NOTE = 'Other settings come from HERALD_* variables and HERALD_CONFIG: see `herald settings`.';
const MAX_PORT = 65_535;

const DB_OPTIONS = { db: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run Herald: the HTTP API and/or the delivery worker',
  help: `usage: herald serve [--port N] [--host H] [--db URL] [--role all|api|worker]

Runs Herald until SIGTERM or Ctrl-C (then stops claiming and waits for attempts in flight).

${SERVER_FLAGS_HELP}

${SETTINGS_NOTE}`,
  async run(args) {
    const { values } = parseFlags(
      args,
      {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        role: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      0,
    );
    // 0 is allowed: any free port (the start-up line says which).
    if (values.port !== undefined) intFlag('port', values.port, 0, MAX_PORT);
    const config = await loadConfig(serverFlags(values));
    const { createLogger } = await import('../observability/logger.js');
    const { startHerald } = await import('../server.js');
    const logger = createLogger(config.logLevel); // pretty on a terminal, JSON otherwise
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
  },
};

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'apply database migrations and exit',
  help: `usage: herald migrate [--db URL]

Applies the migrations the database lacks (serve does too, at start).

${DB_HELP}`,
  async run(args) {
    const { values } = parseFlags(args, DB_OPTIONS, 0);
    const config = await loadConfig(serverFlags(values));
    const store = await openStore(config.databaseUrl, { poolMax: 1 });
    try {
      await store.migrate();
    } finally {
      await store.close();
    }
    console.log(`migrated ${config.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}`);
    return 0;
  },
};

export const purgeCommand: Command = {
  name: 'purge',
  summary: 'delete events past retention, with their messages and attempts',
  help: `usage: herald purge [--days N] [--db URL]

Deletes the events older than the retention (HERALD_RETENTION_DAYS, or --days N) with their
messages and attempts, once every message of the event is settled. 0 days: retention is off.

  --days N     days to keep (0 or more)
${DB_HELP}`,
  async run(args) {
    const { values } = parseFlags(args, { ...DB_OPTIONS, days: { type: 'string' } }, 0);
    const config = await loadConfig(serverFlags(values));
    const days = values.days === undefined ? config.retentionDays : Number(values.days);
    if (!Number.isFinite(days) || days < 0) throw new UsageError(`--days must be a number of days, 0 or more, not "${values.days}"`);
    if (days === 0) {
      console.log('retention is off (0 days): nothing deleted');
      return 0;
    }
    const store = await openStore(config.databaseUrl, { poolMax: 1 });
    try {
      await store.migrate();
      const { default: pino } = await import('pino');
      const { Retention } = await import('../store/retention.js');
      const retention = new Retention(store, { retentionDays: days }, pino({ level: 'warn' }));
      const purged = await retention.purge();
      console.log(`deleted ${purged.events} events and ${purged.messages} messages older than ${days} days, with their attempts`);
    } finally {
      await store.close();
    }
    return 0;
  },
};

const IMPORT_HELP = `usage: herald event-types import <${Object.keys(CATALOGUES).join('|')}|FILE.json> [--db URL]

Adds event types to the catalogue, on the database directly:
  jiwa         seed 001's Jiwa event catalogue (event types that exist are kept)
  FILE.json    {"eventTypes": [...]} or [...], as POST /v1/event-types/import takes:
               all or nothing, idempotent (existing ones are updated when they differ)

${DB_HELP}`;

export const eventTypesCmd: Command = {
  name: 'event-types',
  summary: 'import event types: a preset (jiwa) or a JSON file',
  help: IMPORT_HELP,
  subcommands: { import: IMPORT_HELP },
  async run(args) {
    const { values, positionals } = parseFlags(args, DB_OPTIONS, 2);
    if (positionals[0] !== 'import')
      throw new UsageError(positionals[0] ? `unknown subcommand "${positionals[0]}" (import)` : 'which one: import?');
    if (!positionals[1]) throw new UsageError('import needs a preset (jiwa) or a file: herald event-types import jiwa');
    const config = await loadConfig(serverFlags(values));
    const store = await openStore(config.databaseUrl, { poolMax: 1 });
    try {
      await store.migrate();
      const { eventTypesCommand } = await import('./event-types.js');
      return await eventTypesCommand(store, positionals);
    } finally {
      await store.close();
    }
  },
};

const ROTATE_HELP = `usage: herald secrets rotate-key [--new-key KEY] [--db URL]

Re-encrypts every subscription secret (signing secrets, credentials) under a new secret key.

  --new-key KEY   32 bytes, base64 or hex (default: a generated key, printed or written to the key file)

Stop Herald first: a running process keeps the old key. Interrupted, run it again.

${DB_HELP}`;

export const secretsCommand: Command = {
  name: 'secrets',
  summary: 'rotate-key: re-encrypt subscription secrets under a new key',
  help: ROTATE_HELP,
  subcommands: { 'rotate-key': ROTATE_HELP },
  async run(args) {
    const { values, positionals } = parseFlags(args, { ...DB_OPTIONS, 'new-key': { type: 'string' } }, 1);
    if (positionals[0] !== 'rotate-key') {
      throw new UsageError(positionals[0] ? `unknown subcommand "${positionals[0]}" (rotate-key)` : 'which one: rotate-key?');
    }
    const config = await loadConfig(serverFlags(values));
    const { rotateSecretKey } = await import('./secrets.js');
    await rotateSecretKey(config, { newKey: values['new-key'] ?? null });
    return 0;
  },
};
