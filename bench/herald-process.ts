// Starts Herald as its own process for the benchmarks and resolves with its URL once it listens
// (the "url" of its start-up log line). Deliveries go to the benchmark's receiver on 127.0.0.1, so
// loopback is allowed; PostgreSQL needs one secret key shared by every process.
import { type ChildProcess, spawn } from 'node:child_process';

export const ADMIN_KEY = 'bench-admin-key-0123456789';
const ROOT = new URL('../', import.meta.url).pathname;

export interface HeraldProcess {
  proc: ChildProcess;
  url: string;
}

/** `program`: node arguments up to the CLI entry, e.g. ['dist/cli/main.js'] or ['--import', 'tsx', 'src/cli/main.ts']. */
export function startHerald(program: string[], db: string, role: string, env: Record<string, string> = {}): Promise<HeraldProcess> {
  const proc = spawn(process.execPath, [...program, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', db, '--role', role], {
    cwd: ROOT,
    env: {
      ...process.env,
      HERALD_ADMIN_KEY: ADMIN_KEY,
      HERALD_LOG_LEVEL: 'info',
      HERALD_ALLOWED_NETWORKS: '127.0.0.0/8',
      HERALD_SECRET_KEY: process.env.HERALD_SECRET_KEY ?? 'YmVuY2htYXJrIHNlY3JldCBrZXksIDMyIGJ5dGVzISE=',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m) resolve({ proc, url: m[1]! });
    });
    proc.on('exit', (code) => reject(new Error(`herald (${role}) exited with ${code}: ${out}`)));
  });
}
