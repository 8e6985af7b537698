// README.md's "Five minutes with curl", run as written so it cannot drift: its shell blocks are
// taken from the README and run by bash in one session, as a person would paste them, against a
// real Herald on SQLite (started with the README's own exports) and the README's own receiver.
// Only what the README itself lets change is set: HERALD_URL and RECEIVER_URL for the addresses,
// PORT for the receiver. The HTML comments before the blocks say when the receiver is stopped and
// started again. Every curl goes through the README's `api` (curl --fail-with-body) under
// `set -e`, so any failing step ends the session and fails the test with its output.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { after, describe, it } from 'node:test';
import { ADMIN_KEY, removeDir, tempDir } from '../helpers/herald.js';
import { type HeraldProcess, serveProcess } from '../helpers/processes.js';
import { eventually } from '../helpers/receiver.js';

const README = new URL('../../README.md', import.meta.url);
const BLOCK_TIMEOUT_MS = 60_000;

interface Block {
  code: string;
  /** The `<!-- walkthrough: ... -->` comment just before it, if any. */
  marker: string | null;
}

/** The walkthrough section's ```sh blocks, in order, each with the marker comment before it. */
export function walkthroughBlocks(markdown: string): Block[] {
  const start = markdown.indexOf('<!-- section: walkthrough -->');
  assert.ok(start >= 0, 'README.md has a walkthrough section');
  const rest = markdown.slice(start + 1);
  const end = rest.search(/\n<!-- section: |\n#{2,} (?!Five minutes)/); // the next heading
  const section = end === -1 ? rest : rest.slice(0, end);
  const blocks: Block[] = [];
  const pattern = /(?:<!-- walkthrough: ([^>]*?) -->\n)?```sh\n([\s\S]*?)```/g;
  for (const m of section.matchAll(pattern)) blocks.push({ code: m[2] ?? '', marker: m[1] ?? null });
  return blocks;
}

/** The variables of `export A=1 B=2` lines. */
function exportsOf(code: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of code.split('\n')) {
    if (!line.startsWith('export ')) continue;
    for (const pair of line.slice('export '.length).trim().split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return env;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A bash session fed block by block, as a terminal is. */
class Shell {
  private readonly proc: ChildProcess;
  out = '';
  private exited: number | null = null;

  constructor(env: Record<string, string>) {
    this.proc = spawn('bash', ['--noprofile', '--norc'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (c: Buffer) => {
      this.out += c.toString();
    });
    this.proc.stderr!.on('data', (c: Buffer) => {
      this.out += c.toString();
    });
    this.proc.on('exit', (code) => {
      this.exited = code ?? -1;
    });
    this.proc.stdin!.write('set -eo pipefail\n');
  }

  /** Runs `code`; resolves with what it printed, or rejects with everything when bash stopped. */
  async run(code: string, n: number): Promise<string> {
    const from = this.out.length;
    const done = `__walkthrough_block_${n}_done__`;
    this.proc.stdin!.write(`${code}\necho ${done}\n`);
    await eventually(
      async () => {
        if (this.exited !== null) throw new Error(`block ${n} failed (bash exited ${this.exited}):\n${code}\n--- output ---\n${this.out}`);
        return this.out.includes(done);
      },
      BLOCK_TIMEOUT_MS,
      `block ${n} to finish`,
    );
    return this.out.slice(from, this.out.indexOf(done));
  }

  close(): void {
    if (this.exited === null) this.proc.kill('SIGKILL');
  }
}

/** The README's receiver, run by bash on `port`; what it printed is in `out`. */
class Receiver {
  private proc: ChildProcess | null = null;
  out = '';
  constructor(
    private readonly code: string,
    private readonly port: number,
  ) {}

  async start(): Promise<void> {
    this.proc = spawn('bash', ['-c', `exec ${this.code.trim()}`], { env: { ...process.env, PORT: String(this.port) }, stdio: 'pipe' });
    this.proc.stdout!.on('data', (c: Buffer) => {
      this.out += c.toString();
    });
    this.proc.stderr!.on('data', (c: Buffer) => {
      this.out += c.toString();
    });
    await eventually(() => listening(this.port), 20_000, `the README's receiver on port ${this.port}`);
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (proc === null || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGINT'); // Ctrl-C
    await exited;
    this.proc = null;
  }
}

const jq = spawnSync('jq', ['--version'], { encoding: 'utf8' });
const jqMissing = jq.error !== undefined || jq.status !== 0;
if (jqMissing && process.env.CI === 'true') {
  it('jq is installed (CI=true): the README walkthrough needs it', () => {
    assert.fail('jq is missing: apt-get install -y jq (.ci/run installs it)');
  });
}

describe('README walkthrough', { skip: jqMissing ? 'jq is missing (apt-get install -y jq); CI=true would fail' : false }, () => {
  const dir = tempDir();
  let herald: HeraldProcess | null = null;
  let shell: Shell | null = null;
  let receiver: Receiver | null = null;
  after(async () => {
    shell?.close();
    await receiver?.stop();
    await herald?.stop();
    removeDir(dir);
  });

  it('runs to its end: delivery, resend, failure after the short retry schedule, recover', async () => {
    const blocks = walkthroughBlocks(readFileSync(README, 'utf8'));
    const [server, receiverBlock, ...steps] = blocks;
    assert.ok(server && /npm start/.test(server.code), 'the first block starts Herald');
    assert.ok(receiverBlock && /createServer/.test(receiverBlock.code), 'the second block is the receiver');
    assert.deepEqual(
      steps.map((s) => s.marker),
      ['the test in test/integration/readme-walkthrough.test.ts runs these blocks', 'receiver stopped', 'receiver started'],
    );
    const exported = exportsOf(server.code);
    assert.ok(exported.HERALD_ADMIN_KEY, 'the walkthrough exports HERALD_ADMIN_KEY');

    // `npm start`, without its build, on a fresh SQLite file and any free port.
    herald = await serveProcess('all', `sqlite:${dir}/herald.db`, exported);
    const port = await freePort();
    receiver = new Receiver(receiverBlock.code, port);
    await receiver.start();
    shell = new Shell({ ...exported, HERALD_URL: herald.url, RECEIVER_URL: `http://127.0.0.1:${port}` });

    const delivered = await shell.run(steps[0]!.code, 1);
    assert.match(delivered, /"status": "succeeded"/, delivered);
    assert.match(receiver.out, /SO-1001/, 'the receiver printed the delivery');

    await receiver.stop();
    const failed = await shell.run(steps[1]!.code, 2);
    assert.match(failed, /"status": "failed",\s+"attempts": 3/, failed);

    await receiver.start();
    const recovered = await shell.run(steps[2]!.code, 3);
    if (process.env.WALKTHROUGH_VERBOSE) console.log(delivered, failed, recovered);
    assert.match(recovered, /"messages": ?1/, recovered);

    // The state the walkthrough left, read from the API.
    const messages = await eventually(
      async () => {
        const res = await fetch(`${herald!.url}/v1/messages?limit=10`, {
          headers: { authorization: `Bearer ${exported.HERALD_ADMIN_KEY}` },
        });
        const { data } = (await res.json()) as { data: { status: string; attempts: number }[] };
        return data.length === 2 && data.every((m) => m.status === 'succeeded') ? data : null;
      },
      10_000,
      'both messages succeeded',
    );
    assert.deepEqual(messages.map((m) => m.attempts).sort(), [2, 4], 'SO-1001 sent and resent; SO-1002 failed 3 times, then recovered');
    assert.match(receiver.out, /SO-1002/);
    assert.match(herald.output(), /given up after 3 attempts/, 'Herald logged the message it gave up');
    assert.ok(ADMIN_KEY !== exported.HERALD_ADMIN_KEY, "the README's own key was used, not the tests'");
  });
});
