// The `herald` command's structure, as a user meets it: help for every command and subcommand,
// --version, one-line errors with exit code 2 for bad arguments (never a stack trace), and
// `herald settings` with current values, secrets masked. (Operator commands: cli-operator.test.ts.)
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { oneLineError, runCli, runMany } from '../helpers/cli.js';

const COMMANDS = [
  'serve',
  'migrate',
  'settings',
  'api-keys',
  'event-types',
  'purge',
  'secrets',
  'subscriptions',
  'messages',
  'replay',
  'send',
  'tail',
];
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('herald: help, version, bad arguments', () => {
  it('--help, -h and help list every command; --version prints the package version', async () => {
    const [long, short, word, version, none] = await runMany([
      { args: ['--help'] },
      { args: ['-h'] },
      { args: ['help'] },
      { args: ['--version'] },
      { args: [] },
    ]);
    for (const r of [long, short, word]) {
      assert.equal(r.code, 0, r.stderr);
      for (const name of [...COMMANDS, 'listen', 'check-receiver']) assert.match(r.stdout, new RegExp(`^  ${name} +\\S`, 'm'), name);
    }
    assert.equal(short.stdout, long.stdout);
    assert.equal(version.code, 0);
    assert.equal(version.stdout.trim(), VERSION);
    assert.equal(none.code, 2, 'no command: usage on stderr, exit 2');
    assert.match(none.stderr, /^usage: herald <command>/);
  });

  it("every command's --help (and help <command>) prints its own usage and exits 0", async () => {
    const results = await runMany(COMMANDS.map((name) => ({ args: [name, '--help'] })));
    results.forEach((r, i) => {
      assert.equal(r.code, 0, `${COMMANDS[i]}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`usage: herald ${COMMANDS[i]}\\b`), COMMANDS[i]);
      assert.equal(r.stderr, '');
    });
    const viaHelp = await runCli(['help', 'replay']);
    assert.equal(viaHelp.stdout, results[COMMANDS.indexOf('replay')]!.stdout);
  });

  it("a subcommand's --help prints that subcommand's usage", async () => {
    const [list, show, viaHelp, keys, rotate] = await runMany([
      { args: ['messages', 'list', '--help'] },
      { args: ['subscriptions', 'show', '-h'] },
      { args: ['help', 'messages', 'list'] },
      { args: ['api-keys', 'create', '--help'] },
      { args: ['secrets', 'rotate-key', '--help'] },
    ]);
    assert.match(list.stdout, /^usage: herald messages list/);
    assert.match(list.stdout, /--subscription SUB_ID/);
    assert.match(list.stdout, /--until TIME/);
    assert.equal(viaHelp.stdout, list.stdout);
    assert.match(show.stdout, /^usage: herald subscriptions show SUB_ID/);
    assert.match(keys.stdout, /usage: herald api-keys/);
    assert.match(rotate.stdout, /usage: herald secrets rotate-key/);
    for (const r of [list, show, viaHelp, keys, rotate]) assert.equal(r.code, 0, r.stderr);
  });

  it('bad arguments: one line naming the problem and where help is, exit 2, no stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['purge', '--days', '-1'], /--days must be a number of days, 0 or more, not "-1"; see herald purge --help/],
      [['serve', '--port', '-1'], /--port must be a whole number from 0 to 65535, not "-1"; see herald serve --help/],
      [['serve', '--port', 'abc'], /--port must be a whole number from 0 to 65535, not "abc"/],
      [['serve', '--colour'], /Unknown option '--colour'; see herald serve --help/],
      [['frobnicate'], /unknown command "frobnicate"; see herald --help/],
      [['--frobnicate'], /unknown option "--frobnicate"; see herald --help/],
      [['help', 'frobnicate'], /unknown command "frobnicate"/],
      [
        ['messages', 'list', '--status', 'lost', '--key', 'k'],
        /--status must be one of pending, succeeded, retrying, failed, not "lost"; see herald messages --help/,
      ],
      [['messages', 'list', '--since', 'yesterday', '--key', 'k'], /--since must be an ISO 8601 time/],
      [['messages', 'list', '--limit', '0', '--key', 'k'], /--limit must be a whole number from 1 to 10000/],
      [['subscriptions', 'frobnicate', '--key', 'k'], /unknown subcommand "frobnicate"/],
      [['subscriptions', 'show', '--key', 'k'], /show needs the subscription id/],
      [['send', 'order.created', '--data', '{nope', '--key', 'k'], /--data is not JSON/],
      [['replay', '--subscription', 'sub_x', '--key', 'k'], /--since TIME is required/],
      [['tail', '--interval', '5', '--key', 'k'], /--interval must be a whole number from 200 to 60000/],
      [['api-keys', 'create', '--colour'], /herald api-keys: Unknown option '--colour'; see herald api-keys --help/],
      [['event-types', 'export'], /unknown subcommand "export" \(import\)/],
      [['secrets', 'rotate'], /unknown subcommand "rotate" \(rotate-key\)/],
    ];
    const results = await runMany(cases.map(([args]) => ({ args })));
    results.forEach((r, i) => {
      const [args, expected] = cases[i]!;
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      // api-keys prefixes its own name; the rest say `herald:`.
      const line = args[0] === 'api-keys' ? r.stderr.trim() : oneLineError(r);
      assert.equal(line.split('\n').length, 1, line);
      assert.match(line, expected, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
    });
  });
});

describe('herald settings', () => {
  it('shows the current values and where they come from beside the defaults, secrets masked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-settings-'));
    try {
      const configFile = join(dir, 'herald.json');
      writeFileSync(configFile, JSON.stringify({ WebhooksMaxRetries: 3, logLevel: 'warn' }));
      const env = {
        HERALD_CONFIG: configFile,
        HERALD_DATABASE_URL: 'postgres://herald:pg-Secret-9@127.0.0.1:5432/herald',
        HERALD_ADMIN_KEY: 'admin-key-very-secret-0123',
        HERALD_SECRET_KEY: 'c2V0dGluZ3MgdGVzdCBrZXkgb2YgMzIgYnl0ZXMhISE=',
        HERALD_JIWA_PASSWORD: 'jiwa-password-1',
        HERALD_WEBHOOKS_CLIENT_KEY: 'client-key-secret-7',
        HERALD_PORT: '9090',
      };
      const [text, json] = await runMany([
        { args: ['settings'], env },
        { args: ['settings', '--json', '--port', '7070'], env },
      ]);
      assert.equal(text.code, 0, text.stderr);
      for (const secret of ['pg-Secret-9', 'admin-key-very-secret', 'c2V0dGluZ3M', 'jiwa-password-1', 'client-key-secret-7']) {
        assert.ok(!text.stdout.includes(secret), `${secret} shown`);
        assert.ok(!json.stdout.includes(secret), `${secret} shown in JSON`);
      }
      assert.match(text.stdout, /^SETTING +VARIABLE +VALUE +SOURCE +DEFAULT$/m);
      assert.match(text.stdout, /^port +HERALD_PORT +9090 +env +8080$/m);
      assert.match(text.stdout, /^databaseUrl +HERALD_DATABASE_URL +postgres:\/\/herald:\*\*\*\*@127\.0\.0\.1:5432\/herald +env +/m);
      assert.match(text.stdout, /^adminKey +HERALD_ADMIN_KEY +\*\*\*\* +env +-$/m);
      assert.match(text.stdout, /^maxRetries +\S+ +3 +file +/m);
      assert.match(text.stdout, /^logLevel +HERALD_LOG_LEVEL +warn +file +info$/m);

      const rows = JSON.parse(json.stdout) as { key: string; value: string; source: string; default: string }[];
      const port = rows.find((r) => r.key === 'port');
      assert.deepEqual(port, { key: 'port', variable: 'HERALD_PORT', value: '7070', source: 'flag', default: '8080' });
      assert.equal(rows.find((r) => r.key === 'jiwaPassword')?.value, '****');
      assert.equal(rows.find((r) => r.key === 'retentionDays')?.source, 'default');

      const bad = await runCli(['settings'], { HERALD_PORT: 'eighty' });
      assert.equal(bad.code, 2);
      assert.match(oneLineError(bad), /invalid setting port \(HERALD_PORT\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
