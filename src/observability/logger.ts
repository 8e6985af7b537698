// Herald's process logger: pino, JSON lines for log collectors, or pino-pretty's readable lines
// when a person watches the terminal. Pretty printing runs in this thread (a stream, not a worker
// transport): only a terminal gets it, where the volume is what a person can read anyway.
import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { PrettyOptions } from 'pino-pretty';

// Loaded only for a terminal: every other start (services, CI, the CLI's commands) skips it.
const load = createRequire(import.meta.url);

export interface LoggerOptions {
  /** Where lines go; default stdout (pretty when it is a terminal, JSON otherwise). */
  destination?: DestinationStream;
}

/** Whether stdout is a person's terminal and not a test run (node --test sets NODE_TEST_CONTEXT). */
export function prettyTerminal(env: NodeJS.ProcessEnv = process.env): boolean {
  return process.stdout.isTTY === true && env.NODE_TEST_CONTEXT === undefined && env.NODE_ENV !== 'test';
}

export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  if (options.destination) return pino({ level }, options.destination);
  if (prettyTerminal()) {
    const pretty = load('pino-pretty') as (options: PrettyOptions) => DestinationStream;
    return pino({ level }, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino({ level });
}
