// On a terminal, `herald serve` logs readable lines (pino-pretty), not JSON: run here under a real
// pseudo-terminal (util-linux `script`). Off a terminal it logs JSON (startup.test.ts reads it).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { ADMIN_KEY, removeDir, TEST_ALLOWED_NETWORKS, tempDir } from '../helpers/herald.js';
import { eventually } from '../helpers/receiver.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const scriptMissing = spawnSync('script', ['--version']).error !== undefined;

describe('logs on a terminal', { skip: scriptMissing ? 'util-linux `script` is missing' : false }, () => {
  const dir = tempDir();
  after(() => removeDir(dir));

  it('are pretty lines, with the start-up URLs', async () => {
    const command = `${process.execPath} --import tsx src/cli/main.ts serve --port 0 --host 127.0.0.1 --db sqlite:${dir}/herald.db`;
    const env: NodeJS.ProcessEnv = { ...process.env, HERALD_ADMIN_KEY: ADMIN_KEY, HERALD_ALLOWED_NETWORKS: TEST_ALLOWED_NETWORKS };
    delete env.NODE_TEST_CONTEXT; // as a person's shell: not a test run
    const proc = spawn('script', ['-qefc', command, '/dev/null'], { cwd: ROOT, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    try {
      await eventually(async () => out.includes('herald is running'), 45_000, `the start-up line, got:\n${out}`);
      const plain = out.replace(/\x1b\[[0-9;]*m/g, ''); // without colours
      const line = plain.split(/\r?\n/).find((l) => l.includes('herald is running')) ?? '';
      assert.doesNotMatch(line, /^\s*\{/, 'not a JSON line');
      assert.match(line, /INFO/);
      assert.match(
        line,
        /api http:\/\/127\.0\.0\.1:\d+\/v1, docs http:\/\/127\.0\.0\.1:\d+\/docs, dashboard .*\/ui\/, metrics .*\/metrics/,
      );
      assert.match(out, /\x1b\[/, 'coloured');
    } finally {
      if (proc.pid !== undefined && proc.exitCode === null) process.kill(-proc.pid, 'SIGTERM');
      await new Promise((resolve) => proc.once('close', resolve));
    }
  });
});
