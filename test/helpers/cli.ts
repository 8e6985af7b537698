// The `herald` command as a user runs it: a child process from source (tsx), with the environment
// a test gives it (HERALD_URL and HERALD_KEY for the operator commands). Every process started here
// is killed when the test file ends, whatever happened.
import { type ChildProcess, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { after } from 'node:test';

const ROOT = new URL('../../', import.meta.url).pathname;
const RUN_TIMEOUT_MS = 120_000; // tsx start-up on a loaded 2-core machine, plus the command
const AT_ONCE = 3; // processes runMany starts at a time (each costs a tsx start-up)

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const started = new Set<ChildProcess>();
after(() => {
  for (const proc of started) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
});

/** The environment without the caller's HERALD_* variables, plus `env`: tests say what the CLI sees. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HERALD_')) out[k] = v;
  return { ...out, ...env };
}

export interface RunningCli {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stdout matches; rejects after `timeoutMs` with what was printed. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exited: Promise<CliResult>;
}

/** Starts `herald ...args` and returns at once (for commands that run until stopped, as tail). */
export function startCli(args: string[], env: Record<string, string> = {}): RunningCli {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  proc.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<CliResult>((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
  const waitFor = (pattern: RegExp, timeoutMs = RUN_TIMEOUT_MS) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stdout);
        if (!match) return false;
        clearTimeout(timer);
        proc.stdout!.off('data', check);
        resolve(match);
        return true;
      };
      const timer = setTimeout(() => {
        proc.stdout!.off('data', check);
        reject(new Error(`herald ${args.join(' ')}: no ${pattern} in ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }, timeoutMs);
      if (!check()) proc.stdout!.on('data', check);
    });
  return { proc, stdout: () => stdout, stderr: () => stderr, waitFor, exited };
}

/** Runs `herald ...args` to its end. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const cli = startCli(args, env);
  const timer = setTimeout(() => cli.proc.kill('SIGKILL'), RUN_TIMEOUT_MS);
  const result = await cli.exited;
  clearTimeout(timer);
  return result;
}

/** Runs each command line, a few at a time; the results in the same order. */
export async function runMany<const T extends readonly { args: string[]; env?: Record<string, string> }[]>(
  commands: T,
): Promise<{ -readonly [K in keyof T]: CliResult }> {
  const results: CliResult[] = new Array(commands.length);
  let next = 0;
  const worker = async () => {
    while (next < commands.length) {
      const i = next++;
      const { args, env } = commands[i]!;
      results[i] = await runCli(args, env);
    }
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, commands.length) }, worker));
  return results as { -readonly [K in keyof T]: CliResult };
}

/** A port on 127.0.0.1 nothing listens on (bound, then let go): connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Asserts the shape of a refused command line: exit `code`, one line on stderr naming the fix, no stack trace. */
export function oneLineError(result: CliResult): string {
  const lines = result.stderr.trimEnd().split('\n');
  if (lines.length !== 1 || !lines[0]!.startsWith('herald: ') || /\n\s+at /.test(result.stderr)) {
    throw new Error(`expected one "herald: ..." line on stderr, got:\n${result.stderr}`);
  }
  return lines[0]!;
}
