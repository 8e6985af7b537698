// What every `herald` command is (a row of main.ts's command table) and the argument parsing they
// share. A command reports bad arguments by throwing UsageError; main.ts turns it into one line
// (`herald: ...; see herald <cmd> --help`) and exit code 2, so no command prints a stack trace for
// something the user typed.
import { parseArgs } from 'node:util';

export interface Command {
  name: string;
  /** One line for `herald --help`. */
  summary: string;
  /** The whole text `herald <name> --help` prints. */
  help: string;
  /** Subcommands with help of their own: `herald <name> <sub> --help` prints it. */
  subcommands?: Record<string, string>;
  /** Runs the command with the arguments after its name; resolves with the exit code (-1: keep running). */
  run(args: string[]): Promise<number>;
}

/** Wrong arguments: exit code 2 and the message on one line. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** The values parseArgs gives for options `O` (named, so compiled declarations can say it). */
export type FlagValues<O extends OptionSpec> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean'
    ? O[K]['multiple'] extends true
      ? boolean[]
      : boolean
    : O[K]['multiple'] extends true
      ? string[]
      : string;
};

/**
 * node:util parseArgs, strict, with its errors as UsageError (first line only: its hints span
 * lines). A negative number after a string option (`--days -1`) is taken as that option's value,
 * so the command's own check can say what is wrong with it, rather than parseArgs calling it ambiguous.
 */
export function parseFlags<O extends OptionSpec>(
  args: string[],
  options: O,
  maxPositionals = Number.POSITIVE_INFINITY,
): { values: FlagValues<O>; positionals: string[] } {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const name = arg.startsWith('--') ? arg.slice(2) : null;
    const next = args[i + 1];
    if (name !== null && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  let parsed: { values: unknown; positionals: string[] };
  try {
    parsed = parseArgs({ args: joined, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(((err as Error).message.split('\n')[0] ?? '').replace(/\. To specify a positional.*$/, ''));
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument "${parsed.positionals[maxPositionals]}"`);
  }
  return { values: parsed.values as FlagValues<O>, positionals: parsed.positionals };
}

/** A whole number within bounds, from a flag's text. */
export function intFlag(name: string, text: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${text}"`);
  }
  return Number(text);
}

/** An ISO 8601 time, or a duration back from now (30m, 2h, 7d), as the API's ISO text. */
export function timeFlag(name: string, text: string, now: number = Date.now()): string {
  const ago = /^(\d+)([smhd])$/.exec(text);
  if (ago) {
    const unitMs = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now - Number(ago[1]) * unitMs).toISOString();
  }
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms)) {
    throw new UsageError(`--${name} must be an ISO 8601 time (2026-01-31T12:00:00Z) or a duration ago (30m, 2h, 7d), not "${text}"`);
  }
  return new Date(ms).toISOString();
}

/** One of a fixed set of words. */
export function choiceFlag<T extends string>(name: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, not "${text}"`);
  return text as T;
}

/** Rows as aligned columns under a header (two spaces between columns, no trailing blanks). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
