// Adapters that hand `verify` the raw body: a signature covers the exact bytes sent, so a body
// parsed as JSON and serialized again (other spacing, key order, escapes) no longer verifies. Each
// framework keeps the bytes its own way:
//   - node:http: read the request stream (readRawBody), up to a limit;
//   - express: `express.raw({ type: '*/*' })` on the webhook route leaves a Buffer in req.body; when
//     a JSON parser got there first there are no bytes left, and the adapter says so instead of
//     failing every signature;
//   - fastify: a content-type parser, in the webhook routes' own plugin scope, that keeps every body
//     as a Buffer (rawBodyParser), then a preHandler that verifies it (fastifyVerifier).
// A refused request is answered 401 (400 when malformed) with `{reason, message}`; a verified one is
// passed on, its result available as webhookOf(request).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Refused, type Verified, type VerifyFailureReason, type VerifyOptions, type VerifyResult, verify } from './verify.js';

export const DEFAULT_BODY_LIMIT_BYTES = 1_048_576; // 1 MiB, fastify's default bodyLimit too

export interface AdapterOptions extends VerifyOptions {
  /** Most body bytes read; a larger body is answered 413. Default 1 MiB. */
  bodyLimitBytes?: number;
}

/** The body was larger than the limit. */
export class BodyTooLargeError extends Error {
  readonly code = 'body_too_large';
}

/** The framework is set up so that the raw body is gone (a JSON parser consumed it). */
export class RawBodyUnavailableError extends Error {
  readonly code = 'raw_body_unavailable';
}

const verifiedRequests = new WeakMap<object, Verified>();

/** The verification result of a request an adapter passed on; undefined before (or if refused). */
export function webhookOf<T = unknown>(request: object): Verified<T> | undefined {
  return verifiedRequests.get(request) as Verified<T> | undefined;
}

/** The HTTP status a refusal is answered with: 400 for a request that cannot be read, else 401. */
export function statusFor(reason: VerifyFailureReason): number {
  return reason === 'malformed' ? 400 : 401;
}

/** Answers a refused request: its status and `{reason, message}`. */
export function sendRefusal(res: ServerResponse, refused: Refused): void {
  const body = JSON.stringify({ reason: refused.reason, message: refused.message });
  res.writeHead(statusFor(refused.reason), { 'content-type': 'application/json' }).end(body);
}

/** Reads the whole request body as bytes, refusing more than `limitBytes`. */
export function readRawBody(req: IncomingMessage, limitBytes = DEFAULT_BODY_LIMIT_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.off('data', onData);
        req.resume(); // drain the rest so the answer can be written
        reject(new BodyTooLargeError(`the body is larger than ${limitBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

/** node:http: reads `req`'s body and verifies it. The raw bytes come back as `rawBody`. */
export async function verifyNodeRequest<T = unknown>(
  req: IncomingMessage,
  options: AdapterOptions,
): Promise<VerifyResult<T> & { rawBody: Buffer }> {
  const rawBody = await readRawBody(req, options.bodyLimitBytes);
  const result = await verify<T>(rawBody, req.headers, options);
  if (result.ok) verifiedRequests.set(req, result);
  return { ...result, rawBody };
}

/**
 * node:http: a request listener that verifies each request and calls `handle` with the verified
 * result; refused requests get 401/400 and never reach `handle`, a body over the limit 413.
 */
export function nodeHandler<T = unknown>(
  options: AdapterOptions,
  handle: (webhook: Verified<T>, req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    verifyNodeRequest<T>(req, options).then(
      async (result) => {
        if (!result.ok) return sendRefusal(res, result);
        await handle(result, req, res);
      },
      (err: Error) => {
        const status = err instanceof BodyTooLargeError ? 413 : 400;
        if (!res.headersSent)
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ reason: 'malformed', message: err.message }));
      },
    );
  };
}

/** What the express adapter needs of a request: node's, with the body a parser may have left. */
export type ExpressLikeRequest = IncomingMessage & { body?: unknown; webhook?: Verified };
type Next = (err?: unknown) => void;

const EXPRESS_SETUP =
  'use express.raw({ type: "*/*" }) on the webhook route (before any express.json()), so the signature is checked over the exact bytes received';

/** The raw body of an express request: the Buffer express.raw left, a string from express.text, or
 *  the untouched stream; an error naming the fix when a parser consumed it. */
async function expressBody(req: ExpressLikeRequest, limitBytes: number | undefined): Promise<Buffer> {
  if (Buffer.isBuffer(req.body)) return req.body;
  if (typeof req.body === 'string') return Buffer.from(req.body);
  // No parser ran, or one skipped this content type (express 4 leaves {} then): the stream is intact.
  const body = req.body;
  const untouched =
    !req.readableEnded && (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0));
  if (!untouched) {
    throw new RawBodyUnavailableError(
      `herald/receiver: req.body was already parsed (${typeof body}) and the raw bytes are gone: ${EXPRESS_SETUP}`,
    );
  }
  return readRawBody(req, limitBytes);
}

/**
 * express: middleware verifying the request; a verified one goes on with `req.webhook` (and
 * webhookOf(req)) set, a refused one is answered 401/400. A misconfigured app (the body already
 * parsed as JSON) is passed to `next` as a RawBodyUnavailableError saying how to fix it.
 */
export function expressVerifier(options: AdapterOptions): (req: ExpressLikeRequest, res: ServerResponse, next: Next) => void {
  return (req, res, next) => {
    expressBody(req, options.bodyLimitBytes)
      .then(async (body) => {
        const result = await verify(body, req.headers, options);
        if (!result.ok) return sendRefusal(res, result);
        verifiedRequests.set(req, result);
        req.webhook = result;
        next();
      })
      .catch((err: Error) => {
        if (err instanceof BodyTooLargeError) {
          res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ reason: 'malformed', message: err.message }));
          return;
        }
        next(err);
      });
  };
}

/**
 * fastify: keeps every body of this plugin scope as a Buffer (register the webhook routes in a
 * scope of their own: other routes keep fastify's JSON parser). fastify's bodyLimit applies.
 */
export function rawBodyParser(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
}

/**
 * fastify: a preHandler verifying the raw body rawBodyParser kept; a refused request is answered
 * 401/400; a verified one reaches the handler, its result in webhookOf(request).
 */
export function fastifyVerifier(options: VerifyOptions): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request, reply) => {
    const body = request.body;
    if (body !== undefined && body !== null && !Buffer.isBuffer(body) && typeof body !== 'string') {
      throw new RawBodyUnavailableError(
        'herald/receiver: the body was parsed before verification and the raw bytes are gone: call rawBodyParser(scope) in the plugin scope of the webhook routes',
      );
    }
    const result = await verify(body ?? '', request.headers, options);
    if (!result.ok) {
      await reply.code(statusFor(result.reason)).send({ reason: result.reason, message: result.message });
      return;
    }
    verifiedRequests.set(request, result);
  };
}
