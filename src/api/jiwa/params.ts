// Jiwa request parameters. ServiceStack fills a request DTO from the query string, then the body (a
// JSON object or a form), then the route path, matching names case-insensitively; seed 001 shows
// the same operation with URL parameters and with a JSON body. A query value in double quotes is
// unquoted, as ServiceStack's JSV reader does (`?URL="https://..."` in the seed's curl commands),
// and "true"/"false" and numbers in strings are read as the DTO property's type (`"IsEnabled":"true"`).
import type { FastifyRequest } from 'fastify';
import { HeraldError } from '../../domain/errors.js';

const MAX_STRING = 8_192; // characters of one scalar parameter

function invalid(message: string): HeraldError {
  return new HeraldError('validation_failed', message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A query string value as ServiceStack reads it: the last of repeated values, surrounding quotes removed. */
function queryValue(value: unknown): unknown {
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  if (typeof last === 'string' && last.length >= 2 && last.startsWith('"') && last.endsWith('"')) return last.slice(1, -1);
  return last;
}

export class JiwaParams {
  /** Lower-cased name → [name as sent, value]. */
  private readonly values = new Map<string, [string, unknown]>();

  /** The request's parameters: query, then body, then path (later wins). A body that is not an object is refused. */
  static from(request: FastifyRequest): JiwaParams {
    const params = new JiwaParams();
    if (isRecord(request.query)) for (const [k, v] of Object.entries(request.query)) params.set(k, queryValue(v));
    const body = request.body;
    if (body !== undefined && body !== null) {
      if (!isRecord(body)) throw invalid('The body must be a JSON object of the request DTO');
      for (const [k, v] of Object.entries(body)) params.set(k, v);
    }
    if (isRecord(request.params)) for (const [k, v] of Object.entries(request.params)) params.set(k, v);
    return params;
  }

  set(name: string, value: unknown): void {
    this.values.set(name.toLowerCase(), [name, value]);
  }

  has(name: string): boolean {
    const entry = this.values.get(name.toLowerCase());
    return entry !== undefined && entry[1] !== undefined && entry[1] !== null && entry[1] !== '';
  }

  raw(name: string): unknown {
    return this.values.get(name.toLowerCase())?.[1];
  }

  /** The names sent, as sent. */
  names(): string[] {
    return [...this.values.values()].map(([name]) => name);
  }

  /** A string parameter; numbers and booleans are taken as their text. Empty counts as absent. */
  string(name: string, maxLength = MAX_STRING): string | undefined {
    if (!this.has(name)) return undefined;
    const value = this.raw(name);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw invalid(`${name} must be a string`);
    const text = String(value);
    if (text.length > maxLength) throw invalid(`${name} must be at most ${maxLength} characters`);
    return text;
  }

  requiredString(name: string, maxLength = MAX_STRING): string {
    const value = this.string(name, maxLength);
    if (value === undefined) throw invalid(`${name} is required`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    if (!this.has(name)) return undefined;
    const value = this.raw(name);
    if (typeof value === 'boolean') return value;
    const text = String(value).toLowerCase();
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
    throw invalid(`${name} must be true or false`);
  }

  integer(name: string, min: number, max: number): number | undefined {
    if (!this.has(name)) return undefined;
    const value = this.raw(name);
    const n =
      typeof value === 'number' ? value : typeof value === 'string' && /^-?\d{1,16}$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw invalid(`${name} must be an integer from ${min} to ${max}`);
    return n;
  }
}
