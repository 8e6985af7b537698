// Subscription filters (DESIGN.md §5, seed 004): a list of CEL expressions over an event, all of
// which must hold for the subscription to get it. Compiled once when the subscription is saved
// (every refusal names the expression's index and the position, for the API's 422) and evaluated at
// fan-out for every event and subscription, so evaluation allocates little and never throws: an
// expression that fails on an event (a missing key, a wrong type, a result that is not a bool)
// does not hold, and its reason is returned for the caller to count. The variables, the number
// rules, the regular expression policy and the cost limits are src/domain/cel.ts's.
import {
  type CelInput,
  type CelPosition,
  type CelProgram,
  type CelVariables,
  celVariables,
  compileExpression,
  evaluationCode,
  evaluationMessage,
  isCompileError,
} from '../domain/cel.js';

export const MAX_FILTER_EXPRESSIONS = 20;

/** A subscription's filters, ready to evaluate. */
export interface CompiledFilter {
  readonly expressions: readonly string[];
  readonly programs: readonly CelProgram[];
}

/** Why one expression of a filter list was refused when saved. */
export interface FilterError {
  /** Its index in the list; -1 when the list itself is refused (too many expressions, not a list). */
  index: number;
  expression: string;
  code: string;
  message: string;
  position: CelPosition;
}

/**
 * One expression's verdict on one event. `result` is null when it failed; `error` says why and
 * `code` names the reason with a stable code to count by (`no_such_key`, `unknown_variable`,
 * `no_such_overload`, `regex_input_too_long`, `not_a_bool`, ...).
 */
export interface FilterResult {
  expression: string;
  result: boolean | null;
  error?: string;
  code?: string;
}

export interface FilterEvaluation {
  /** Every expression held (an empty list holds). */
  matches: boolean;
  results: FilterResult[];
}

/** Compile a subscription's filter list: the compiled filter, or every expression's refusal. */
export function compileFilters(expressions: readonly string[]): CompiledFilter | FilterError[] {
  const start: CelPosition = { offset: 0, line: 1, column: 1 };
  if (!Array.isArray(expressions)) {
    return [{ index: -1, expression: '', code: 'not_a_list', message: 'filters must be a list of CEL expressions', position: start }];
  }
  if (expressions.length > MAX_FILTER_EXPRESSIONS) {
    return [
      {
        index: -1,
        expression: '',
        code: 'too_many',
        message: `${expressions.length} filter expressions, more than ${MAX_FILTER_EXPRESSIONS}`,
        position: start,
      },
    ];
  }
  const errors: FilterError[] = [];
  const programs: CelProgram[] = [];
  expressions.forEach((expression, index) => {
    const compiled = compileExpression(expression);
    if (isCompileError(compiled)) errors.push({ index, expression: String(expression), ...compiled });
    else programs.push(compiled);
  });
  return errors.length > 0 ? errors : { expressions: [...expressions], programs };
}

export function isFilterErrors(x: CompiledFilter | FilterError[]): x is FilterError[] {
  return Array.isArray(x);
}

/**
 * Evaluate `filter` on one event. `input` may be the event itself or its variables from
 * `celVariables` (build them once per event when several subscriptions' filters run on it).
 * Every expression is evaluated, so each failure is reported, not only the first.
 */
export function evaluateFilters(filter: CompiledFilter, input: CelInput | CelVariables): FilterEvaluation {
  const variables = celVariables(input);
  const results: FilterResult[] = new Array(filter.programs.length);
  let matches = true;
  for (let i = 0; i < filter.programs.length; i++) {
    const program = filter.programs[i]!;
    let value: unknown;
    try {
      value = program.run(variables);
    } catch (err) {
      matches = false;
      results[i] = { expression: program.source, result: null, error: evaluationMessage(err), code: evaluationCode(err) };
      continue;
    }
    if (typeof value === 'boolean') {
      if (!value) matches = false;
      results[i] = { expression: program.source, result: value };
    } else {
      matches = false;
      results[i] = { expression: program.source, result: null, error: `the result is ${describe(value)}, not a bool`, code: 'not_a_bool' };
    }
  }
  return { matches, results };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a timestamp';
  if (typeof value === 'bigint') return 'an int';
  if (typeof value === 'number') return 'a double';
  if (typeof value === 'object') return 'a map';
  return `a ${typeof value}`;
}
