// A subscription's filter at fan-out: compiled once per distinct expression list (cached by its
// text, bounded) and evaluated on an event's variables, built once per event by the caller. What an
// expression that failed on the event says (its code and reason) is returned for the caller to
// count: the plan is pure, the counting is the ingest caller's (src/observability/filter-errors.ts).
import { type CelVariables, celVariables } from '../domain/cel.js';
import type { HeraldEvent } from '../domain/glossary.js';
import { CompileCache } from '../util/compile-cache.js';
import { type CompiledFilter, compileFilters, evaluateFilters, type FilterError, isFilterErrors } from './filter.js';

const MAX_CACHED_FILTERS = 10_000; // distinct expression lists; each a few KB compiled

const cache = new CompileCache<CompiledFilter | FilterError[]>(MAX_CACHED_FILTERS, (key) => compileFilters(JSON.parse(key) as string[]));

// The same list object (a subscription loaded once for a batch of events) skips even the key.
const byList = new WeakMap<readonly string[], CompiledFilter | FilterError[]>();

/** The compiled filter of an expression list (from the cache), or why it does not compile. */
export function compiledFilter(expressions: readonly string[]): CompiledFilter | FilterError[] {
  let compiled = byList.get(expressions);
  if (compiled === undefined) {
    compiled = cache.get(JSON.stringify(expressions));
    byList.set(expressions, compiled);
  }
  return compiled;
}

/** What filters and templates see of an event: its facts and its data, parsed once. `description` is
 *  the event type's, when the caller knows it cheaply; '' otherwise. */
export function eventVariables(
  event: Pick<HeraldEvent, 'id' | 'type' | 'dataJson' | 'subscriberId' | 'channels' | 'createdAt'>,
  description = '',
): CelVariables {
  let data: unknown = null;
  try {
    data = JSON.parse(event.dataJson);
  } catch {
    // stored data is JSON; should it not be, the expressions see null and fail on its keys
  }
  return celVariables({
    event: {
      id: event.id,
      type: event.type,
      timestamp: event.createdAt,
      subscriberId: event.subscriberId,
      channels: event.channels,
      description,
    },
    data,
  });
}

/** One expression of a subscription's filter that failed on an event. */
export interface FilterFailure {
  subscriptionId: string;
  /** The expression's index in the filter list; -1 when the stored list no longer compiles. */
  index: number;
  expression: string;
  code: string;
  message: string;
}

/** Whether `filter` holds for the event (an empty or null filter holds), and the failures to count. */
export function filterVerdict(
  subscriptionId: string,
  filter: readonly string[] | null,
  variables: CelVariables,
): { matches: boolean; failures: FilterFailure[] | null } {
  if (filter === null || filter.length === 0) return { matches: true, failures: null };
  const compiled = compiledFilter(filter);
  if (isFilterErrors(compiled)) {
    // Saved filters compiled when saved; one that no longer does (a stricter engine) matches nothing.
    const e = compiled[0] as FilterError;
    return {
      matches: false,
      failures: [{ subscriptionId, index: e.index, expression: e.expression, code: 'invalid_filter', message: e.message }],
    };
  }
  const { matches, results } = evaluateFilters(compiled, variables);
  let failures: FilterFailure[] | null = null;
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    if (r.code === undefined) continue;
    failures ??= [];
    failures.push({ subscriptionId, index: i, expression: r.expression, code: r.code, message: r.error ?? r.code });
  }
  return { matches, failures };
}
