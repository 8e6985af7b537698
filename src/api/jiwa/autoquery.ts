// AutoQuery-style lists (seed 001: "a queryable request, meaning filtering, pagination, ordering
// and limiting what fields are returned is possible through either URL parameters or DTO property
// values"). A list is described by a table: each DTO field may name the store field it orders by
// and how a parameter of its name filters. The parameters are ServiceStack's:
//   Take, Skip                 page; Take is capped by AutoQueryMaxLimit, which is also the default
//   OrderBy, OrderByDesc       comma lists of DTO fields; `-Field` reverses one
//   Fields                     comma list of DTO fields to return (unknown names are ignored, but
//                              not all of them: that is a 400)
//   <Field>=<value>            equality filter on a filterable field
// The seed's own example writes `Fields=MessageID,EventName,URL,Retries,Orderby=Retries` (a comma
// where an & was meant); an entry of Fields with an `=` is read as the parameter it spells.
import { HeraldError } from '../../domain/errors.js';
import type { SortKey } from '../../store/store.js';
import type { JiwaParams } from './params.js';

export const MAX_SKIP = 1_000_000_000; // rows; beyond any real list, and keeps OFFSET an integer
const MAX_ORDER_KEYS = 8; // fields in one OrderBy

export interface QueryField<Q, F extends string> {
  /** The store field this DTO field orders by; absent: it cannot be ordered by. */
  sort?: F;
  /** Applies a parameter of this field's name to the store query; absent: it cannot be filtered on. */
  filter?: (params: JiwaParams, name: string, query: Q) => void;
}

export interface AutoQuery<Q, F extends string> {
  query: Q & { orderBy: SortKey<F>[]; offset: number; limit: number };
  /** The DTO fields to return, in DTO order, or null for all. */
  fields: string[] | null;
}

function invalid(message: string): HeraldError {
  return new HeraldError('validation_failed', message);
}

function list(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Parses the AutoQuery parameters of a list described by `table` onto the store query `base`. */
export function parseAutoQuery<Q extends object, F extends string>(
  params: JiwaParams,
  table: Record<string, QueryField<Q, F>>,
  base: Q,
  maxLimit: number,
): AutoQuery<Q, F> {
  const byLower = new Map(Object.keys(table).map((name) => [name.toLowerCase(), name]));

  let fields: string[] | null = null;
  if (params.has('Fields')) {
    const wanted = new Set<string>();
    const unknown: string[] = [];
    for (const entry of list(params.string('Fields'))) {
      const eq = entry.indexOf('=');
      if (eq > 0) {
        const name = entry.slice(0, eq).trim();
        if (!params.has(name)) params.set(name, entry.slice(eq + 1).trim());
        continue;
      }
      const known = byLower.get(entry.toLowerCase());
      if (known) wanted.add(known);
      else unknown.push(entry);
    }
    // Rows of {} would answer a typo with silence.
    if (wanted.size === 0 && unknown.length > 0) {
      throw invalid(
        `Fields names no field of this list (${unknown.join(', ').slice(0, 200)}); the fields are ${Object.keys(table).join(', ')}`,
      );
    }
    if (wanted.size > 0) fields = Object.keys(table).filter((name) => wanted.has(name));
  }

  const orderBy: SortKey<F>[] = [];
  const addOrder = (text: string | undefined, descending: boolean) => {
    for (const entry of list(text)) {
      const reversed = entry.startsWith('-');
      const name = reversed ? entry.slice(1) : entry;
      const known = byLower.get(name.toLowerCase());
      const sort = known ? table[known]?.sort : undefined;
      if (!known) throw invalid(`Cannot order by ${name.slice(0, 100)}: not a field of this list`);
      if (!sort) throw invalid(`Cannot order by ${known}`);
      orderBy.push({ field: sort, desc: descending !== reversed });
    }
  };
  addOrder(params.string('OrderBy'), false);
  addOrder(params.string('OrderByDesc'), true);
  if (orderBy.length > MAX_ORDER_KEYS) throw invalid(`Order by at most ${MAX_ORDER_KEYS} fields`);

  const query = { ...base, orderBy, offset: params.integer('Skip', 0, MAX_SKIP) ?? 0, limit: maxLimit };
  const take = params.integer('Take', 0, Number.MAX_SAFE_INTEGER);
  if (take !== undefined) query.limit = Math.min(take, maxLimit);

  for (const [name, field] of Object.entries(table)) {
    if (field.filter && params.has(name)) field.filter(params, name, query);
  }
  return { query, fields };
}

/** Keeps the asked-for fields of a row, in the row's order. */
export function selectFields<R extends Record<string, unknown>>(row: R, fields: string[] | null): Partial<R> {
  if (fields === null) return row;
  const out: Partial<R> = {};
  for (const name of fields) if (name in row) out[name as keyof R] = row[name as keyof R];
  return out;
}
