// Jiwa paths match case-insensitively, as ServiceStack's do (/webhooks/subscribers is
// /Webhooks/Subscribers), while /v1 and everything else stay case-sensitive. Fastify's router
// has one case setting for all routes, so the Jiwa routes are matched here, before routing
// (fastify's rewriteUrl): a path whose literal segments equal a Jiwa route's in any case is
// rewritten to that route's spelling, its parameter segments (ids) kept byte for byte. The routes
// are learnt as the Jiwa scope registers them (index.ts), so nothing is listed twice.
//
// Jiwa errors carry ServiceStack's ResponseStatus, which its clients read: withResponseStatus adds
// it to Herald's {code, message}, for the Jiwa routes' answers (index.ts) and for a Jiwa-looking
// path that matches no route (jiwaNotFound, a hook of the root scope, where 404s are answered).
import type { FastifyReply, FastifyRequest } from 'fastify';

/** One segment of a route: a literal (its spelling, and lowercased to compare) or a parameter. */
type Segment = { literal: string; lower: string } | null;

/** First segments of Jiwa paths, lowercased: anything else is left alone at the cost of one test. */
const JIWA_ROOTS = new Set(['webhooks', 'auth']);

function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return (end === -1 ? path.slice(1) : path.slice(1, end)).toLowerCase();
}

/** Whether `path` (no query) is under one of the Jiwa roots, in any case. Every request asks:
 *  the first letter answers for most (/v1, /healthz, /metrics) without building a string. */
export function isJiwaPath(path: string): boolean {
  const first = path.charCodeAt(1) | 0x20; // lowercased ASCII letter
  if (first !== 0x77 /* w */ && first !== 0x61 /* a */) return false;
  return JIWA_ROOTS.has(firstSegment(path));
}

export class JiwaPaths {
  private readonly routes: Segment[][] = [];

  /** Learns a route's path (`/Webhooks/Subscribers/:SubscriberID`). */
  add(url: string): void {
    const segments = url
      .split('/')
      .slice(1)
      .map((s): Segment => (s.startsWith(':') ? null : { literal: s, lower: s.toLowerCase() }));
    if (!this.routes.some((r) => r.length === segments.length && r.every((s, i) => s?.literal === segments[i]?.literal))) {
      this.routes.push(segments);
    }
  }

  /** `url` (path and query) with a Jiwa path spelt as its route is; any other url unchanged. */
  rewrite(url: string): string {
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (!isJiwaPath(path)) return url;
    const trailing = path.length > 1 && path.endsWith('/'); // ignoreTrailingSlash: kept as sent
    const parts = (trailing ? path.slice(0, -1) : path).split('/').slice(1);
    const lower = parts.map((p) => p.toLowerCase());
    // The route whose literals match, preferring more literals (/Messages/Responses over /Messages/:MessageID).
    let best: Segment[] | null = null;
    let bestLiterals = -1;
    for (const route of this.routes) {
      if (route.length !== parts.length) continue;
      let literals = 0;
      let matches = true;
      for (let i = 0; i < route.length && matches; i++) {
        const segment = route[i];
        if (segment === null || segment === undefined) continue;
        matches = segment.lower === lower[i];
        literals++;
      }
      if (matches && literals > bestLiterals) {
        best = route;
        bestLiterals = literals;
      }
    }
    if (best === null) return url;
    const spelt = parts.map((p, i) => best[i]?.literal ?? p).join('/');
    return `/${spelt}${trailing ? '/' : ''}${q === -1 ? '' : url.slice(q)}`;
  }
}

/** A JSON error payload with ServiceStack's ResponseStatus added; anything else as it is. */
export function withResponseStatus(payload: unknown): unknown {
  if (typeof payload !== 'string') return payload;
  try {
    const body = JSON.parse(payload) as { code?: unknown; message?: unknown; ResponseStatus?: unknown };
    if (typeof body.code !== 'string' || body.ResponseStatus !== undefined) return payload;
    return JSON.stringify({ ...body, ResponseStatus: { ErrorCode: body.code, Message: body.message, Errors: [] } });
  } catch {
    return payload;
  }
}

/** Root onSend hook: a Jiwa-looking path no route answered (404, or 405) gets ResponseStatus too.
 *  A callback hook: it runs on every answer, and costs one test on the others. */
export function jiwaNotFound(
  request: FastifyRequest,
  _reply: FastifyReply,
  payload: unknown,
  done: (err: Error | null, payload?: unknown) => void,
): void {
  if (!request.is404) {
    done(null, payload);
    return;
  }
  const url = request.url;
  const q = url.indexOf('?');
  done(null, isJiwaPath(q === -1 ? url : url.slice(0, q)) ? withResponseStatus(payload) : payload);
}
