// The expression language of filters and templates (DESIGN.md §5, seed 004): one CEL environment,
// the variables an event gives, and CEL values back to JSON, shared by src/fanout/filter.ts and
// src/delivery/formats/template-engine.ts so both read an event the same way.
//
// Variables. Every top-level key of the event's data (when the data is a JSON object) is a
// variable, so seed 004's `order.total > 100` works against `{"order": {...}}`; `data` is the whole
// data (`data.qty`, `data["my-key"]` for keys that are not identifiers); `event` is
// {id, type, timestamp, subscriberId, channels, description}. `event` and `data` are Herald's: a
// data key named `event` or `data` is shadowed by them and reachable as `data.event`, `data.data`,
// so a producer's data can never pass for the event's own facts. `event.timestamp` is a CEL
// timestamp (compare with `timestamp("2026-01-01T00:00:00Z")`, `.getHours()`); templates write it
// as an RFC 3339 string. `event.channels` is a list, empty when the event has none.
//
// Numbers. JSON numbers stay JavaScript numbers, i.e. CEL doubles: nothing is copied per event.
// CEL compares int and double across types at run time (`data.qty == 3` holds for 3 and 3.0,
// `order.total > 100` for 150.5), and this environment adds the mixed int/double arithmetic CEL
// lacks (`data.qty + 1`, `order.total * 2`), giving a double. `%` stays int only: `int(x) % 2`.
//
// Regular expressions. `matches()` runs only patterns checked when saved: the pattern must be a
// string literal (a pattern from the data could be anything), valid for JavaScript's RegExp, and
// pass safe-regex2 (no nested quantifiers such as `(a+)+$`). At run time the input is capped at
// REGEX_INPUT_MAX_CHARS: a longer string is an evaluation error, so the filter does not match and
// says why. The library's own `string.matches` cannot be replaced, so a compiled expression calls
// `herald_matches`, which this module writes in its place.
//
// Cost. CEL has no loops, but a comprehension (`all`, `exists`, `exists_one`, `map`, `filter`)
// walks a list from the data and could walk it again inside another: `l.exists(a, l.exists(b,
// a == b))` or `l.exists(a, a in l)` is quadratic in the length of `l`, seconds for a few thousand
// elements. So, when saved, each expression is at most EXPRESSION_MAX_CHARS characters and
// CEL_LIMITS.maxAstNodes nodes, holds at most MAX_COMPREHENSIONS comprehensions nested at most
// MAX_COMPREHENSION_DEPTH deep, and may not use `cel.bind` (a value bound at every level of a nest
// doubles at each); and when run, its comprehensions share a time budget of EVALUATION_BUDGET_MS
// (see `go`): over it, the walks wind down at one cheap step per element left and the evaluation
// fails with `evaluation_too_long`. The library has no step counter to hook, so the compiled
// expression carries the guards: every comprehension's list becomes `herald_iterable(list)` and its
// body `(herald_go() ? (body) : herald_stop())`. Being a time, the budget depends on the machine's
// load: an expression near it may pass once and fail once. What the budget does not cover is work
// outside comprehensions, bounded by the expression's size: `l + l + l` copies the list once a term.
import { Environment, EvaluationError, type ParseResult } from '@marcbachmann/cel-js';
import safeRegex from 'safe-regex2';

export const EXPRESSION_MAX_CHARS = 1_000;
export const REGEX_INPUT_MAX_CHARS = 10_000;
export const MAX_COMPREHENSIONS = 3;
export const MAX_COMPREHENSION_DEPTH = 2;
/** Structural limits handed to the parser: per expression. */
export const CEL_LIMITS = { maxAstNodes: 500, maxDepth: 32, maxListElements: 100, maxMapEntries: 100, maxCallArguments: 8 } as const;

/** How long one evaluation may spend in comprehensions before it is stopped, in milliseconds. */
export const EVALUATION_BUDGET_MS = 50;

const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
const INTERNAL_PREFIX = 'herald_'; // names this module writes into expressions; refused in users' source
const MATCHES_INTERNAL = 'herald_matches';
const GO_INTERNAL = 'herald_go';
const STOP_INTERNAL = 'herald_stop';
const ITERABLE_INTERNAL = 'herald_iterable';

/** The event's facts a filter or template sees as `event`. */
export interface CelEvent {
  id: string;
  type: string;
  /** When the event was accepted: epoch milliseconds, an ISO 8601 string or a Date. */
  timestamp: number | string | Date;
  subscriberId: string | null;
  channels: readonly string[] | null;
  /** The event type's description from the catalogue; '' when it has none. */
  description?: string;
}

/** An event as an expression reads it: its facts and its data (parsed JSON). */
export interface CelInput {
  event: CelEvent;
  data: unknown;
}

/**
 * The variables of one event, built once and shared by every filter and template evaluated on it
 * (fan-out evaluates every subscription's filters on the same event). Opaque: build with
 * `celVariables`.
 */
export class CelVariables {
  /** @internal the evaluation context: a prototype-free object, so `constructor` is no variable. */
  readonly context: Record<string, unknown>;
  constructor(input: CelInput) {
    const context: Record<string, unknown> = Object.create(null);
    const { data, event } = input;
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
      for (const key of Object.keys(data)) context[key] = (data as Record<string, unknown>)[key];
    }
    context['data'] = data;
    context['event'] = {
      id: event.id,
      type: event.type,
      timestamp: event.timestamp instanceof Date ? event.timestamp : new Date(event.timestamp),
      subscriberId: event.subscriberId,
      channels: event.channels ?? [],
      description: event.description ?? '',
    };
    this.context = context;
  }
}

export function celVariables(input: CelInput | CelVariables): CelVariables {
  return input instanceof CelVariables ? input : new CelVariables(input);
}

/** Where in an expression something is wrong: 0-based offset, 1-based line and column. */
export interface CelPosition {
  offset: number;
  line: number;
  column: number;
}

/** Why an expression was refused when saved. */
export interface CelCompileError {
  code: string; // the library's (`unexpected_token`, `no_such_overload`) or ours (`unsafe_regex`, `too_long`, ...)
  message: string;
  position: CelPosition;
}

/** An expression checked and ready to run against events. */
export interface CelProgram {
  readonly source: string;
  /** The value, or throws an Error whose message says why (a missing key, a wrong type). */
  run(variables: CelVariables): unknown;
}

export function positionAt(source: string, offset: number): CelPosition {
  const clamped = Math.max(0, Math.min(offset, source.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: clamped, line, column: clamped - lineStart + 1 };
}

// ---- values ------------------------------------------------------------------------------------

/** A JSON value as JSON.parse gives it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Sets `key` as an own property, `__proto__` included (a plain assignment would set the prototype). */
function setKey(out: { [key: string]: JsonValue }, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/**
 * A CEL result as JSON: ints (bigint) become numbers (beyond 2^53 they lose precision, as JSON
 * numbers do in JavaScript), timestamps RFC 3339 strings, durations their CEL text ("90s"), bytes
 * base64, maps objects. Throws on what JSON cannot hold (NaN, Infinity, a type value).
 */
export function toJson(value: unknown): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`${value} is not a JSON number`);
      return value;
    case 'bigint':
      return Number(value);
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map(toJson);
      if (value instanceof Date) return value.toISOString();
      if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
      if (value instanceof Map) {
        const out: { [key: string]: JsonValue } = {};
        for (const [k, v] of value) setKey(out, String(k), toJson(v));
        return out;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto === Object.prototype || proto === null) {
        const out: { [key: string]: JsonValue } = {};
        for (const [k, v] of Object.entries(value)) setKey(out, k, toJson(v));
        return out;
      }
      if (value.constructor?.name === 'Duration' || value.constructor?.name === 'UnsignedInt') return String(value);
      throw new Error(`a ${value.constructor?.name ?? 'value'} has no JSON form`);
    }
    default:
      throw new Error(`a ${typeof value} has no JSON form`);
  }
}

/** Is `value` already JSON as JSON.parse gives it (the data's own values are), so JSON.stringify can write it as it is? */
function isPlainJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(isPlainJson);
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) if (!isPlainJson((value as Record<string, unknown>)[key])) return false;
      return true;
    }
    default:
      return false;
  }
}

/** A CEL result as compact JSON text; what toJson says, written at once when it is plain JSON already. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(isPlainJson(value) ? value : toJson(value));
}

/** A value as text in a template's interpolated string: strings as they are, the rest as compact JSON. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isPlainJson(value)) return JSON.stringify(value);
  const json = toJson(value); // a timestamp, bytes, a duration: text already
  return typeof json === 'string' ? json : JSON.stringify(json);
}

/**
 * `s` cut to at most `max` UTF-16 units, ending with "…" when cut, never splitting a surrogate
 * pair: what the presets use to stay within Slack's, Teams' and Discord's field limits.
 */
export function truncateText(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 0) return '';
  let end = max - 1;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return s.slice(0, end) + '…';
}

// ---- the environment ---------------------------------------------------------------------------

const regexCache = new Map<string, RegExp>(); // pattern -> RegExp; only patterns that passed the save-time check
const REGEX_CACHE_MAX = 1_000;

function cappedMatch(input: string, pattern: string): boolean {
  if (input.length > REGEX_INPUT_MAX_CHARS) {
    throw new EvaluationError({
      code: 'regex_input_too_long',
      message: `matches(): the input is ${input.length} characters, more than ${REGEX_INPUT_MAX_CHARS}`,
    });
  }
  let re = regexCache.get(pattern);
  if (re === undefined) {
    if (regexCache.size >= REGEX_CACHE_MAX) regexCache.clear();
    re = new RegExp(pattern);
    regexCache.set(pattern, re);
  }
  return re.test(input);
}

// The running evaluation's deadline. Evaluation is synchronous (no async function is registered),
// so one evaluation runs at a time and module state is enough.
let deadline = 0;
let steps = 0;
let exhausted = false;

/**
 * Guards every comprehension body, `(herald_go() ? (body) : herald_stop())`: counts the step and
 * every 8 steps looks at the clock. A walk cannot be stopped by throwing, since `exists` and `all`
 * absorb an element's error and go on to the next (CEL's rule); instead, once over the budget, no
 * body runs any more (each step gives `false`, which also ends an `all`) and every comprehension
 * still to start walks nothing (`iterable`), so what is left costs one cheap step per element of
 * the walks under way, and `run` then fails the evaluation whatever its result.
 */
function go(): boolean {
  if (!exhausted && (++steps & 7) === 0 && performance.now() > deadline) exhausted = true;
  return !exhausted;
}

/** Wraps every comprehension's list or map: itself, or nothing once the budget is spent. */
function iterable(value: unknown): unknown {
  return exhausted ? [] : value;
}

const budgetError = () =>
  new EvaluationError({
    code: 'evaluation_too_long',
    message: `the expression ran over ${EVALUATION_BUDGET_MS} ms in comprehensions (all, exists, map, filter): stopped`,
  });

const toNumber = (n: bigint | number) => Number(n);

function buildEnvironment(): Environment {
  const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false, limits: CEL_LIMITS });
  for (const op of ['+', '-', '*', '/'] as const) {
    const apply = (a: number, b: number) => (op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b);
    env.registerOperator(`double ${op} int: double`, (a: number, b: bigint) => apply(a, toNumber(b)));
    env.registerOperator(`int ${op} double: double`, (a: bigint, b: number) => apply(toNumber(a), b));
  }
  env.registerFunction(`${GO_INTERNAL}(): bool`, go);
  env.registerFunction(`${STOP_INTERNAL}(): dyn`, () => false);
  env.registerFunction(`${ITERABLE_INTERNAL}(dyn): dyn`, iterable);
  env.registerFunction(`string.${MATCHES_INTERNAL}(string): bool`, cappedMatch);
  env.registerFunction('matches(string, string): bool', cappedMatch);
  env.registerFunction('string.replace(string, string): string', (s: string, from: string, to: string) =>
    from === '' ? s : s.split(from).join(to),
  );
  env.registerFunction('truncate(string, int): string', (s: string, n: bigint) => truncateText(s, Number(n)));
  env.registerFunction('json(dyn): string', (v: unknown) => {
    try {
      return toJsonText(v);
    } catch (err) {
      throw new EvaluationError({ code: 'not_json', message: `json(): ${(err as Error).message}` });
    }
  });
  env.registerFunction('string(google.protobuf.Timestamp): string', (t: Date) => t.toISOString());
  return env;
}

const env = buildEnvironment();

// ---- compiling ---------------------------------------------------------------------------------

interface AstNode {
  op: string;
  args: unknown;
  range: { start: number; end: number };
}
const isNode = (x: unknown): x is AstNode => typeof x === 'object' && x !== null && 'op' in x && 'range' in x;

function children(node: AstNode): AstNode[] {
  const out: AstNode[] = [];
  const visit = (x: unknown) => {
    if (isNode(x)) out.push(x);
    else if (Array.isArray(x)) for (const y of x) visit(y);
  };
  if (Array.isArray(node.args)) visit(node.args);
  return out;
}

class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** A change to an expression's source before it is parsed again: `insert` at `at`, in place of `remove` characters. */
interface Edit {
  at: number;
  remove: number;
  insert: string;
  close?: true; // the end of a wrapping
}

/**
 * Checks what the parser cannot (reserved names, cel.bind, comprehension limits, regex patterns)
 * and lists the edits the compiled expression needs: `matches` becomes `herald_matches` (the
 * capped one), and every comprehension's list and body are wrapped for the time budget (`go`).
 */
function inspect(source: string, root: AstNode): Edit[] {
  const edits: Edit[] = [];
  let comprehensions = 0;
  const reserved = (name: string, node: AstNode) => {
    if (name.startsWith(INTERNAL_PREFIX))
      throw new Refusal('reserved_name', `names starting with ${INTERNAL_PREFIX} are reserved`, node.range.start);
  };
  const walk = (node: AstNode, depth: number) => {
    let inner = depth;
    if (node.op === 'id') reserved(node.args as string, node);
    if (node.op === 'call' || node.op === 'rcall') {
      const args = node.args as unknown[];
      const name = args[0] as string;
      reserved(name, node);
      if (node.op === 'rcall' && name === 'bind') {
        throw new Refusal('unsupported_function', 'cel.bind is not supported in Herald expressions', node.range.start);
      }
      if (node.op === 'rcall' && COMPREHENSIONS.has(name)) {
        comprehensions++;
        inner = depth + 1;
        if (comprehensions > MAX_COMPREHENSIONS) {
          throw new Refusal(
            'too_complex',
            `more than ${MAX_COMPREHENSIONS} comprehensions (all, exists, exists_one, map, filter)`,
            node.range.start,
          );
        }
        if (inner > MAX_COMPREHENSION_DEPTH) {
          throw new Refusal('too_complex', `comprehensions nested more than ${MAX_COMPREHENSION_DEPTH} deep`, node.range.start);
        }
        const receiver = args[1] as AstNode;
        edits.push(
          { at: receiver.range.start, remove: 0, insert: `${ITERABLE_INTERNAL}(` },
          { at: receiver.range.end, remove: 0, insert: ')', close: true },
        );
        // [iteration variable, predicate or transform, (transform)]: guard all but the variable.
        for (const body of (args[2] as AstNode[]).slice(1)) {
          edits.push(
            { at: body.range.start, remove: 0, insert: `(${GO_INTERNAL}() ? (` },
            { at: body.range.end, remove: 0, insert: `) : ${STOP_INTERNAL}())`, close: true },
          );
        }
      }
      if (name === 'matches') {
        const callArgs = (node.op === 'rcall' ? args[2] : args[1]) as AstNode[];
        const pattern = node.op === 'rcall' ? callArgs[0] : callArgs[1];
        if (pattern !== undefined) checkPattern(pattern);
        if (node.op === 'rcall') {
          edits.push({ at: matchesNameOffset(source, node, args[1] as AstNode), remove: 'matches'.length, insert: MATCHES_INTERNAL });
        }
      }
    }
    for (const child of children(node)) walk(child, inner);
  };
  walk(root, 0);
  return edits;
}

/**
 * `source` with `edits` made, from the last offset to the first so each offset is still the
 * original's. Edits at one offset, listed outer node first (the walk's order), must come out as
 * closings before openings, outer openings before inner ones, inner closings before outer ones; each edit
 * made at an offset lands before those made there already, hence the order below.
 */
function applyEdits(source: string, edits: Edit[]): string {
  const order = edits.map((e, i) => ({ e, i, close: e.close === true }));
  order.sort((a, b) => b.e.at - a.e.at || Number(a.close) - Number(b.close) || (a.close ? a.i - b.i : b.i - a.i));
  let out = source;
  for (const { e } of order) out = out.slice(0, e.at) + e.insert + out.slice(e.at + e.remove);
  return out;
}

function checkPattern(pattern: AstNode): void {
  if (pattern.op !== 'value' || typeof pattern.args !== 'string') {
    throw new Refusal('regex_not_literal', 'the pattern of matches() must be a string literal, checked when saved', pattern.range.start);
  }
  try {
    new RegExp(pattern.args);
  } catch (err) {
    throw new Refusal('invalid_regex', `invalid regular expression: ${(err as Error).message}`, pattern.range.start);
  }
  if (!safeRegex(pattern.args)) {
    throw new Refusal(
      'unsafe_regex',
      `the regular expression ${JSON.stringify(pattern.args)} can backtrack catastrophically (nested quantifiers): refused`,
      pattern.range.start,
    );
  }
}

/** Where `matches` is written in `recv.matches(...)`: after the receiver, its closing parentheses, the dot and spaces. */
function matchesNameOffset(source: string, call: AstNode, receiver: AstNode): number {
  const tail = /^[\s)]*\.\s*matches\s*\(/.exec(source.slice(receiver.range.end, call.range.end));
  if (tail === null) throw new Refusal('unsupported_syntax', 'write matches() as `text.matches("pattern")`', call.range.start);
  return receiver.range.end + tail[0].indexOf('matches');
}

/** Compile one expression: a program, or why it is refused (syntax, types, limits, regex). */
export function compileExpression(source: string): CelProgram | CelCompileError {
  if (typeof source !== 'string') return refusal(String(source), 'not_a_string', 'an expression must be a string', 0);
  if (source.length > EXPRESSION_MAX_CHARS) {
    return refusal(
      source,
      'too_long',
      `the expression is ${source.length} characters, more than ${EXPRESSION_MAX_CHARS}`,
      EXPRESSION_MAX_CHARS,
    );
  }
  if (source.trim() === '') return refusal(source, 'empty', 'the expression is empty', 0);
  let parsed: ParseResult;
  let edits: Edit[];
  try {
    parsed = env.parse(source);
    edits = inspect(source, parsed.ast as unknown as AstNode);
    // Type errors are checked on the source as written, so their positions are the user's.
    const checked = parsed.check();
    if (!checked.valid && checked.error) throw checked.error;
    if (edits.length > 0) {
      parsed = env.parse(applyEdits(source, edits));
      // The guards must not change what type-checks; should they, refuse now rather than fail at run time.
      const rechecked = parsed.check();
      if (!rechecked.valid) throw new Refusal('unsupported_syntax', `not supported with Herald's guards: ${rechecked.error?.summary}`, 0);
    }
  } catch (err) {
    if (err instanceof Refusal) return refusal(source, err.code, err.message, err.offset);
    const e = err as { code?: string; summary?: string; message?: string; range?: { start: number }; node?: { pos?: number } };
    return refusal(source, e.code ?? 'invalid', e.summary ?? e.message ?? String(err), e.range?.start ?? e.node?.pos ?? 0);
  }
  const program = parsed;
  const timed = edits.some((e) => e.close === true);
  return {
    source,
    run: timed
      ? (variables) => {
          deadline = performance.now() + EVALUATION_BUDGET_MS;
          steps = 0;
          exhausted = false;
          let value: unknown;
          try {
            value = program(variables.context);
          } catch (err) {
            if (exhausted) throw budgetError();
            throw err;
          }
          if (exhausted) throw budgetError();
          return value;
        }
      : (variables) => program(variables.context),
  };
}

function refusal(source: string, code: string, message: string, offset: number): CelCompileError {
  return { code, message, position: positionAt(source, offset) };
}

export function isCompileError(x: CelProgram | CelCompileError): x is CelCompileError {
  return 'position' in x;
}

/** A stable code for why an evaluation failed (`no_such_key`, `unknown_variable`, `no_such_overload`, ...), for counting. */
export function evaluationCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'evaluation_failed';
}

/** The one-line reason an evaluation failed, without the library's source excerpt. */
export function evaluationMessage(err: unknown): string {
  if (err instanceof Error) {
    const summary = (err as { summary?: unknown }).summary;
    return typeof summary === 'string' ? summary : (err.message.split('\n')[0] ?? err.message);
  }
  return String(err);
}
