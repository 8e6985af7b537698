// How the API answers errors: every failure becomes `{code, message, details?}` with a code from the
// one registry (domain/errors.ts). HeraldErrors carry their own code; fastify's own errors (schema
// validation, body parsing, size limits) are translated by the table below; anything else is a bug
// or an outage and answers 500 `internal_error` without a word about its cause, which is logged.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import { ERRORS, type ErrorCode, HeraldError } from '../domain/errors.js';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** Fastify error codes and the Herald code each becomes. */
export const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_NOT_FOUND: 'route_not_found',
  FST_ERR_BAD_URL: 'bad_request',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
};

/** Messages for mapped fastify errors whose own text says less than it should. */
const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_BAD_URL: 'A path segment is not valid percent-encoded UTF-8',
};

/** Other 4xx statuses fastify (or a plugin) may raise, by status. */
export const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'route_not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

const MAX_DETAILS = 20; // validation issues reported; a batch of 1000 bad events need not echo 1000

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: unknown;
}

export function errorBody(code: ErrorCode, message?: string, details?: unknown): ErrorBody {
  const body: ErrorBody = { code, message: message ?? ERRORS[code].message };
  if (details !== undefined) body.details = details;
  return body;
}

/** Schema validation errors as `[{in, path, message}]`, without the noise of union branches. */
function validationDetails(error: FastifyError): { in: string; path: string; message: string }[] {
  const issues = (error.validation ?? []) as ValidationIssue[];
  const where = error.validationContext ?? 'body';
  // A union of literals reports one `const` issue per branch, then `anyOf`: gather the allowed values.
  const allowed = new Map<string, unknown[]>();
  for (const issue of issues) {
    const value = (issue.params as { allowedValue?: unknown } | undefined)?.allowedValue;
    if (issue.keyword === 'const' && value !== undefined)
      allowed.set(issue.instancePath ?? '', [...(allowed.get(issue.instancePath ?? '') ?? []), value]);
  }
  const seen = new Set<string>();
  const out: { in: string; path: string; message: string }[] = [];
  for (const issue of issues) {
    if (issue.keyword === 'boolean' || issue.keyword === 'const') continue; // explained by a sibling issue
    const path = issue.instancePath ?? '';
    const extra = (issue.params as { additionalProperties?: string[] } | undefined)?.additionalProperties;
    let message = issue.message ?? 'is invalid';
    if (issue.keyword === 'anyOf') {
      const values = allowed.get(path);
      message = values ? `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}` : 'does not match any allowed shape';
    } else if (issue.keyword === 'additionalProperties' && Array.isArray(extra)) {
      message = `must not have the properties ${extra.join(', ')}`;
    }
    const key = `${path} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ in: where, path, message });
    if (out.length === MAX_DETAILS) break;
  }
  return out;
}

/** Seconds a client is asked to wait (Retry-After) before trying again when the database is
 *  unavailable: unreachable, its disk full, read-only or failing. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** Sends an error answer: its status, the JSON body, and for store_unavailable a Retry-After. */
export function sendError(reply: FastifyReply, body: ErrorBody): FastifyReply {
  if (body.code === 'store_unavailable') reply.header('retry-after', String(STORE_RETRY_AFTER_SECONDS));
  return reply.code(ERRORS[body.code].status).type('application/json; charset=utf-8').send(body);
}

export function handleError(error: FastifyError | HeraldError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof HeraldError) {
    if (error.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendError(reply, errorBody(error.code, error.message, error.details));
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const details = validationDetails(fastifyError);
    const first = details[0];
    const message = first ? `${first.in}${first.path.replaceAll('/', '.')} ${first.message}` : ERRORS.validation_failed.message;
    return sendError(reply, errorBody('validation_failed', message, details));
  }
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) return sendError(reply, errorBody(mapped, FASTIFY_MESSAGES[fastifyError.code]));
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) return sendError(reply, errorBody(STATUS_CODES[status] ?? 'bad_request'));
  request.log.error({ err: error }, 'request failed');
  return sendError(reply, errorBody('internal_error'));
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Installs the error handler, and for an unknown route a 404, or a 405 with `Allow` when the path
 *  exists with other methods. Call it before any route is added: it learns them as they are. */
export function installErrorHandling(app: FastifyInstance, routerOptions: { ignoreTrailingSlash: boolean }): void {
  app.setErrorHandler(handleError);
  // The paths that exist, in a router of fastify's own kind, so "exists" means what routing does.
  const paths = FindMyWay(routerOptions);
  app.addHook('onRoute', (route) => {
    for (const name of [route.method].flat()) {
      const method = name.toUpperCase() as HTTPMethod;
      if (paths.hasRoute(method, route.url)) continue; // the same path in another plugin (/docs and /swagger-ui share some)
      paths.on(method, route.url, () => {});
    }
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = METHODS.filter((m) => m !== request.method && paths.find(m, path) !== null);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendError(
        reply,
        errorBody('method_not_allowed', `${request.method} is not allowed on ${path.slice(0, 200)}; use ${allowed.join(', ')}`),
      );
    }
    return sendError(reply, errorBody('route_not_found', `No route ${request.method} ${path.slice(0, 200)}`));
  });
}
