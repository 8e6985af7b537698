#!/usr/bin/env node
// The `herald` command. Each command is a row of COMMANDS (command.ts: name, summary, help, run);
// this file only picks the row, prints help and the version, and turns errors into one line and
// an exit code: 2 for bad arguments or settings, 1 for a refusal from the API or the database.
// Only an unexpected failure (a bug) prints a stack trace.
import { HeraldApiError } from '../client/index.js';
import { HeraldError } from '../domain/errors.js';
import { HERALD_VERSION } from '../util/version.js';
import { API_KEYS_USAGE } from './api-keys-usage.js';
import * as checkReceiver from './check-receiver.js';
import { type Command, UsageError } from './command.js';
import * as listen from './listen.js';
import { messagesCommand } from './messages.js';
import { replayCommand } from './replay.js';
import { sendCommand } from './send.js';
import { eventTypesCmd, migrateCommand, purgeCommand, secretsCommand, serveCommand } from './server-commands.js';
import { settingsCommand } from './settings.js';
import { subscriptionsCommand } from './subscriptions.js';
import { tailCommand } from './tail.js';

/** What `herald --help` says of the receiver commands, which live in listen.ts and check-receiver.ts. */
const RECEIVER_SUMMARIES: Record<string, string> = {
  listen: 'a local receiver that verifies and prints (and forwards) deliveries; or relays a subscription',
  'check-receiver': "check a receiver's webhook handling: signatures, timestamps, replays (a scorecard)",
};

/** A command module of its own (`run(args)` and `HELP`) as a row of the table. */
export function external(name: string, module: { run(args: string[]): Promise<number>; HELP: string }): Command {
  return { name, summary: RECEIVER_SUMMARIES[name] ?? '', help: module.HELP, run: (args) => module.run(args) };
}

const apiKeys: Command = {
  name: 'api-keys',
  summary: 'create, list or revoke API keys (on the database directly)',
  help: API_KEYS_USAGE,
  // Loaded when run: the database code takes seconds to load (as in server-commands.ts).
  run: async (args) => (await import('./api-keys.js')).apiKeysCommand(args),
};

const COMMANDS = new Map<string, Command>(
  [
    serveCommand,
    migrateCommand,
    settingsCommand,
    apiKeys,
    eventTypesCmd,
    purgeCommand,
    secretsCommand,
    subscriptionsCommand,
    messagesCommand,
    replayCommand,
    sendCommand,
    tailCommand,
    external('listen', listen),
    external('check-receiver', checkReceiver),
  ].map((c) => [c.name, c]),
);

const GROUPS: [string, string[]][] = [
  ['run Herald (on its machine, with its database)', ['serve', 'migrate', 'settings', 'api-keys', 'event-types', 'purge', 'secrets']],
  ['operate a running Herald (over its API: --server, --key)', ['subscriptions', 'messages', 'replay', 'send', 'tail']],
  ['receiving webhooks', ['listen', 'check-receiver']],
];

function topHelp(): string {
  const width = Math.max(...GROUPS.flatMap(([, names]) => names.map((n) => n.length)));
  const groups = GROUPS.map(([title, names]) => {
    const lines = names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS.get(n)?.summary ?? RECEIVER_SUMMARIES[n] ?? ''}`);
    return `${title}:\n${lines.join('\n')}`;
  });
  return `usage: herald <command> [options]

${groups.join('\n\n')}

  herald <command> --help   a command's options (and herald <command> <subcommand> --help)
  herald --version          Herald's version

Settings come from flags, then HERALD_* environment variables, then HERALD_CONFIG (a JSON file),
then defaults: \`herald settings\` shows them. The operator commands read HERALD_URL and HERALD_KEY.`;
}

/** The help text `herald help <args>` or `herald <args> --help` asks for; UsageError for an unknown command. */
function helpFor(name: string | undefined, sub: string | undefined): string {
  if (name === undefined) return topHelp();
  const command = COMMANDS.get(name);
  if (!command) throw new UsageError(`unknown command "${name}"`);
  return (sub !== undefined ? command.subcommands?.[sub] : undefined) ?? command.help;
}

/** Whether the arguments ask for help (before a `--`, which ends options). */
function asksHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    console.error(topHelp());
    return 2;
  }
  if (name === '--help' || name === '-h') {
    console.log(topHelp());
    return 0;
  }
  if (name === 'help') {
    console.log(helpFor(rest[0], rest[1]));
    return 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(HERALD_VERSION);
    return 0;
  }
  const command = COMMANDS.get(name);
  if (!command) throw new UsageError(name.startsWith('-') ? `unknown option "${name}"` : `unknown command "${name}"`);
  if (asksHelp(rest)) {
    console.log(
      helpFor(
        name,
        rest.find((a) => !a.startsWith('-')),
      ),
    );
    return 0;
  }
  return command.run(rest);
}

/** The one line for an error, and its exit code; null for an unexpected one (a bug: its stack is shown). */
function explain(err: unknown, command: string | undefined): { line: string; code: number } | null {
  const known = command !== undefined && COMMANDS.has(command);
  if (err instanceof UsageError) return { line: `${err.message}; see herald ${known ? `${command} ` : ''}--help`, code: 2 };
  // By name: config.js is loaded only by the commands that need it (server-commands.ts).
  if (err instanceof Error && err.name === 'ConfigError') return { line: err.message, code: 2 };
  if (err instanceof HeraldApiError)
    return { line: err.status === 0 ? err.message : `${err.message} (${err.code}, HTTP ${err.status})`, code: 1 };
  // The database cannot be used (read-only, disk full, unreachable) or refused: the reason, not a stack trace.
  if (err instanceof HeraldError && err.code === 'store_unavailable') return { line: err.message, code: 1 };
  if (err instanceof HeraldError && err.status < 500) return { line: `${err.message} (${err.code})`, code: 1 };
  return null;
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    const known = explain(err, argv[0]);
    if (known) {
      console.error(`herald: ${known.line}`);
      process.exit(known.code);
    }
    console.error(err);
    process.exit(1);
  },
);
