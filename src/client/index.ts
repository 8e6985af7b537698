// `herald/client`: a thin typed wrapper over Node's fetch for Herald's API. Every path, its path
// and query parameters, its body and its answer are typed from the generated OpenAPI types
// (./schema.ts, `npm run client-types`), so a call the API would refuse does not compile and the
// client cannot drift from the server. Errors are thrown as HeraldApiError with the API's stable
// `code`, its message and the HTTP status.
//
//   const herald = createClient({ baseUrl: 'http://127.0.0.1:8080', key: process.env.HERALD_KEY });
//   const sub = await herald.get('/v1/subscriptions/{id}', { params: { id: 'sub_...' } });
//   await herald.post('/v1/events', { body: { type: 'order.created', data: { id: 1 } } });
import type { paths } from './schema.js';

export type { components, paths } from './schema.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The paths that have an operation for `M`. */
export type PathsFor<M extends Method> = {
  [P in keyof paths]: [NonNullable<paths[P][M]>] extends [never] ? never : P;
}[keyof paths];

/** The operation object of a path and method. */
export type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

type JsonOf<T> = T extends { content: { 'application/json': infer B } } ? B : undefined;

/** The body of the operation's success answer (200, 201, 202 or 204: undefined). */
export type ResponseOf<O> = O extends { responses: infer R }
  ? R extends { 200: infer S }
    ? JsonOf<S>
    : R extends { 201: infer S }
      ? JsonOf<S>
      : R extends { 202: infer S }
        ? JsonOf<S>
        : undefined
  : never;

type Empty = Record<never, never>;
type PathPart<O> = O extends { parameters: { path: infer X } } ? { params: X } : { params?: undefined };
type QueryPart<O> = O extends { parameters: { query?: infer Q } } ? ([NonNullable<Q>] extends [never] ? Empty : { query?: Q }) : Empty;
type HeaderPart<O> = O extends { parameters: { header?: infer H } } ? ([NonNullable<H>] extends [never] ? Empty : { headers?: H }) : Empty;
type BodyPart<O> = O extends { requestBody: { content: { 'application/json': infer B } } }
  ? { body: B }
  : O extends { requestBody?: { content: { 'application/json': infer B } } }
    ? [B] extends [never]
      ? { body?: undefined }
      : { body?: B }
    : { body?: undefined };

/** What a call takes besides its path: `params` for the path's {placeholders}, `query`, `headers`, `body`. */
export type RequestOptions<O> = PathPart<O> & QueryPart<O> & HeaderPart<O> & BodyPart<O> & { signal?: AbortSignal };

// The options argument may be left out when nothing in it is required.
type OptionsArg<O> = Empty extends RequestOptions<O> ? [options?: RequestOptions<O>] : [options: RequestOptions<O>];

/** An error answer of the API ({code, message, details}), or the server not being reachable
 *  (code `server_unreachable`, status 0) or not answering JSON (code `bad_response`). */
export class HeraldApiError extends Error {
  override name = 'HeraldApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details: unknown = undefined,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  /** Herald's base URL, e.g. http://127.0.0.1:8080 (a trailing slash is fine). */
  baseUrl: string;
  /** An API key (`Authorization: Bearer ...`); without one only unauthenticated paths answer. */
  key?: string | null;
  /** Per request, in milliseconds; default 30 s. */
  timeoutMs?: number;
}

export interface HeraldClient {
  request<M extends Method, P extends PathsFor<M>>(
    method: M,
    path: P,
    ...options: OptionsArg<Operation<P, M>>
  ): Promise<ResponseOf<Operation<P, M>>>;
  get<P extends PathsFor<'get'>>(path: P, ...options: OptionsArg<Operation<P, 'get'>>): Promise<ResponseOf<Operation<P, 'get'>>>;
  post<P extends PathsFor<'post'>>(path: P, ...options: OptionsArg<Operation<P, 'post'>>): Promise<ResponseOf<Operation<P, 'post'>>>;
  patch<P extends PathsFor<'patch'>>(path: P, ...options: OptionsArg<Operation<P, 'patch'>>): Promise<ResponseOf<Operation<P, 'patch'>>>;
  delete<P extends PathsFor<'delete'>>(
    path: P,
    ...options: OptionsArg<Operation<P, 'delete'>>
  ): Promise<ResponseOf<Operation<P, 'delete'>>>;
  readonly baseUrl: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_PAGE = 1_000; // the API's largest page

interface LooseOptions {
  params?: Record<string, string | number>;
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  body?: unknown;
  signal?: AbortSignal;
}

/** The URL of a path with its {placeholders} filled (encoded) and its query (unset values left out). */
export function buildUrl(baseUrl: string, path: string, params: LooseOptions['params'], query: LooseOptions['query']): string {
  const filled = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new TypeError(`${path} needs params.${name}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, String(v));
  }
  const qs = search.toString();
  return `${baseUrl.replace(/\/+$/, '')}${filled}${qs ? `?${qs}` : ''}`;
}

function describeFailure(err: unknown): string {
  // fetch wraps the socket error (ECONNREFUSED, ENOTFOUND...) in `cause`.
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if ((err as Error).name === 'TimeoutError') return 'no answer in time';
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

async function errorFrom(res: Response): Promise<HeraldApiError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown; details?: unknown };
    if (typeof body.code === 'string' && typeof body.message === 'string')
      return new HeraldApiError(body.code, body.message, res.status, body.details);
  } catch {
    // Not JSON: a proxy's page, for instance; reported below with the status.
  }
  return new HeraldApiError('bad_response', `HTTP ${res.status} ${res.statusText}: ${text.slice(0, 200)}`, res.status);
}

export function createClient(options: ClientOptions): HeraldClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw new TypeError(`baseUrl must be an http(s) URL, not "${options.baseUrl}"`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function call(method: Method, path: string, opts: LooseOptions = {}): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    for (const [name, value] of Object.entries(opts.headers ?? {}))
      if (value !== undefined && value !== null) headers[name] = String(value);
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const url = buildUrl(baseUrl, path, opts.params, opts.query);
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, {
        method: method.toUpperCase(),
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout,
      });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      throw new HeraldApiError('server_unreachable', `cannot reach Herald at ${baseUrl}: ${describeFailure(err)}`, 0);
    }
    if (!res.ok) throw await errorFrom(res);
    if (res.status === 204) return undefined;
    const text = await res.text();
    if (text === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new HeraldApiError(
        'bad_response',
        `${method.toUpperCase()} ${path} answered ${res.status} with a body that is not JSON`,
        res.status,
      );
    }
  }

  // The typed signatures are the interface's; the implementation is one loosely typed function.
  const loose = (method: Method) => (path: string, opts?: LooseOptions) => call(method, path, opts);
  return {
    baseUrl,
    request: ((method: Method, path: string, opts?: LooseOptions) => call(method, path, opts)) as HeraldClient['request'],
    get: loose('get') as HeraldClient['get'],
    post: loose('post') as HeraldClient['post'],
    patch: loose('patch') as HeraldClient['patch'],
    delete: loose('delete') as HeraldClient['delete'],
  };
}

/** The listing paths: a `data` array and a `nextCursor`. */
export type ListPath = {
  [P in PathsFor<'get'>]: ResponseOf<Operation<P, 'get'>> extends { data: unknown[]; nextCursor: string | null } ? P : never;
}[PathsFor<'get'>];
export type ItemOf<P extends ListPath> = ResponseOf<Operation<P, 'get'>> extends { data: (infer T)[] } ? T : never;

/**
 * Every item of a listing, page after page (following nextCursor, `pageSize` a page), stopping after `max` items.
 * `max` bounds the work: a listing of millions is not something to fetch by accident.
 */
export async function listAll<P extends ListPath>(
  client: HeraldClient,
  path: P,
  options: RequestOptions<Operation<P, 'get'>> & { max?: number; pageSize?: number },
): Promise<{ items: ItemOf<P>[]; truncated: boolean }> {
  const max = options.max ?? 10_000;
  const pageSize = Math.min(options.pageSize ?? MAX_PAGE, MAX_PAGE);
  const items: ItemOf<P>[] = [];
  let cursor: string | null = null;
  const base = options as LooseOptions;
  do {
    const query: Record<string, unknown> = { ...base.query, limit: Math.min(pageSize, max - items.length), ...(cursor ? { cursor } : {}) };
    const page = (await (client.get as (p: string, o: LooseOptions) => Promise<unknown>)(path, { ...base, query })) as {
      data: ItemOf<P>[];
      nextCursor: string | null;
    };
    items.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor !== null && items.length < max);
  return { items: items.slice(0, max), truncated: cursor !== null };
}
