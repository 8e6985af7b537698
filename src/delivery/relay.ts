// Relays: a subscription's deliveries sent over a WebSocket to `herald listen --subscription` on a
// developer's machine instead of to the subscription's URL (DESIGN.md §12).
//
// How it works. The API route (src/api/routes/listen.ts) accepts the listener's WebSocket and
// attaches it here, one per subscription. The attempt pipeline's send stage (attempt.ts) asks this
// hub for the subscription's relay and, when there is one, sends the attempt's request (already
// formatted, signed and authorized) through it instead of over HTTP; the result is an HttpResult
// like the HTTP client's, so classification, retries and the attempt record are the normal ones.
// The hub lives in the process that delivers: a process of role `api` has none, and the route
// refuses listeners there (409 relay_unavailable).
//
// A listener is not trusted: it only ever affects its own subscription's deliveries. Its messages
// are bounded (the WebSocket server's maxPayload, relayMaxPayload), its requests outstanding are
// bounded (MAX_PENDING; beyond, an attempt fails at once), every request has the attempt's deadline
// (no answer in time: a `timeout`), a response must name an id that is outstanding (a late or unknown
// one is dropped), its body is cut at the response cap and its headers are bounded like an HTTP
// response's. A message that breaks the protocol closes the socket; a socket that closes fails its
// outstanding requests as network errors. A socket that stops answering pings is closed.
//
// Protocol (JSON text messages, each with `v`, the protocol version, 1):
//   server → listener
//     {v:1, type:'ready', subscriptionId, url, maxBodyBytes}       once, when attached
//     {v:1, type:'request', id, method, url, path, headers, body, timeoutMs}
//         one delivery request: `url` the subscription's URL, `path` its path and query, `headers`
//         as sent (webhook-id, webhook-signature, ...), `body` the request body as text (null for GET)
//   listener → server
//     {v:1, type:'response', id, status, headers, body}
//         the local answer: status 200-599, headers (name → value), body in base64 (at most
//         maxBodyBytes are kept)
//     {v:1, type:'error', id, message}
//         no local answer (the local service is down, ...): recorded as a network_error
import type { HttpRequest, HttpResult } from './http-client.js';
import { MAX_RESPONSE_HEADER_BYTES } from './http-client.js';
import { storableHeaderValue, storableText } from './response-text.js';

export const RELAY_PROTOCOL_VERSION = 1;
const MAX_PENDING = 64; // requests outstanding per listener; beyond, an attempt fails at once
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024; // bytes queued to a listener that is not reading before attempts fail at once
const PING_INTERVAL_MS = 15_000; // a listener that has not answered the previous ping by the next one is closed
const MESSAGE_OVERHEAD_BYTES = 8 * 1024; // ids, status, field names of a response message
const ERROR_MESSAGE_MAX = 500; // characters of a listener's error message kept in the attempt record

/** Close codes the server uses (4000-4999 are the application's). */
export const RELAY_CLOSE = {
  protocolError: 1008, // policy violation: a message that breaks the protocol
  replaced: 4409, // another listener was attached first (a race the route's check did not catch)
  serverClosing: 1001,
} as const;

/** The largest message a listener may send: a response whose body is at the cap (base64) and
 *  whose headers are at their bound, even fully JSON-escaped. */
export function relayMaxPayload(responseBodyCapBytes: number): number {
  return MESSAGE_OVERHEAD_BYTES + Math.ceil(responseBodyCapBytes / 3) * 4 + 6 * MAX_RESPONSE_HEADER_BYTES;
}

/** The part of a `ws` WebSocket a relay uses. */
export interface RelaySocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  ping(): void;
  on(event: 'message', listener: (data: unknown, isBinary: boolean) => void): unknown;
  on(event: 'close' | 'pong', listener: () => void): unknown;
}

const OPEN = 1; // WebSocket.OPEN

/** What the send stage needs of the relays: the one a subscription's deliveries go through now. */
export interface RelayRoutes {
  get(subscriptionId: string): Relay | undefined;
}

export interface Relay {
  send(request: HttpRequest): Promise<HttpResult>;
}

/** A result before its duration is known. */
type Unsettled = HttpResult extends infer R ? (R extends unknown ? Omit<R, 'durationMs'> : never) : never;

interface Pending {
  resolve(result: HttpResult): void;
  started: number;
  timer: NodeJS.Timeout;
}

/** One listener's socket: requests out, responses matched to them by id. */
export class RelayConnection implements Relay {
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private closed = false;
  private answeredPing = true;
  private readonly pinger: NodeJS.Timeout;

  constructor(
    private readonly socket: RelaySocket,
    private readonly responseBodyCapBytes: number,
    private readonly onClose: () => void,
  ) {
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', () => this.shut('the listener disconnected'));
    socket.on('pong', () => {
      this.answeredPing = true;
    });
    this.pinger = setInterval(() => {
      if (!this.answeredPing) {
        this.socket.terminate();
        this.shut('the listener stopped answering pings');
        return;
      }
      this.answeredPing = false;
      this.socket.ping();
    }, PING_INTERVAL_MS);
    this.pinger.unref();
  }

  get outstanding(): number {
    return this.pending.size;
  }

  /** Sends the hello: the subscription and the largest body kept. */
  ready(subscriptionId: string, url: string): void {
    this.write({ type: 'ready', subscriptionId, url, maxBodyBytes: this.responseBodyCapBytes });
  }

  send(req: HttpRequest): Promise<HttpResult> {
    const started = performance.now();
    const failNow = (message: string): Promise<HttpResult> =>
      Promise.resolve({ kind: 'error', code: 'network_error', message, durationMs: 0 });
    if (this.closed || this.socket.readyState !== OPEN) return failNow('relay: the listener disconnected');
    if (this.pending.size >= MAX_PENDING) return failNow(`relay: the listener has ${MAX_PENDING} requests outstanding`);
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) return failNow('relay: the listener is not reading its requests');
    const id = String(this.nextId++);
    const { pathname, search } = new URL(req.url);
    return new Promise<HttpResult>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({
          kind: 'error',
          code: 'timeout',
          message: `relay: the listener did not answer within ${req.timeoutMs} ms`,
          durationMs: performance.now() - started,
        });
      }, req.timeoutMs);
      this.pending.set(id, { resolve, started, timer });
      this.write({
        type: 'request',
        id,
        method: req.method,
        url: req.url,
        path: pathname + search,
        headers: req.headers,
        body: req.body,
        timeoutMs: req.timeoutMs,
      });
    });
  }

  /** Closes the socket (the server stopping, or the listener replaced). */
  close(code: number, reason: string): void {
    this.socket.close(code, reason);
    this.shut(reason);
  }

  private write(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify({ v: RELAY_PROTOCOL_VERSION, ...message }));
  }

  private receive(data: unknown, isBinary: boolean): void {
    const message = isBinary ? null : parseMessage(data);
    if (message === null) {
      this.violation('messages must be JSON objects with v: 1 and a type');
      return;
    }
    const pending = typeof message.id === 'string' ? this.pending.get(message.id) : undefined;
    if (message.type !== 'response' && message.type !== 'error') {
      this.violation(`unknown message type ${JSON.stringify(String(message.type).slice(0, 40))}`);
      return;
    }
    if (pending === undefined) return; // answered after its deadline, or never asked: nothing waits for it
    const result = message.type === 'error' ? listenerError(message) : this.response(message);
    if (result === null) {
      this.violation('a response needs a status (200-599), headers of strings and a base64 body');
      return;
    }
    this.settle(message.id as string, { ...result, durationMs: performance.now() - pending.started });
  }

  /** The listener's answer as the HTTP client would have recorded it, or null when malformed. */
  private response(message: Record<string, unknown>): Unsettled | null {
    const { status, headers, body } = message;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) return null;
    if (headers !== undefined && (typeof headers !== 'object' || headers === null || Array.isArray(headers))) return null;
    if (body !== undefined && typeof body !== 'string') return null;
    const out: Record<string, string> = {};
    let headerBytes = 0;
    for (const [name, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) {
      if (typeof value !== 'string') return null;
      headerBytes += name.length + value.length;
      if (headerBytes > MAX_RESPONSE_HEADER_BYTES) {
        return {
          kind: 'error',
          code: 'network_error',
          message: `the response headers are too large (over ${MAX_RESPONSE_HEADER_BYTES} bytes)`,
        };
      }
      out[storableHeaderValue(name.toLowerCase())] = storableHeaderValue(value);
    }
    const bytes = Buffer.from(body ?? '', 'base64');
    const kept = bytes.length > this.responseBodyCapBytes ? bytes.subarray(0, this.responseBodyCapBytes) : bytes;
    return { kind: 'response', statusCode: status, headers: out, body: kept.length === 0 ? '' : storableText(kept) };
  }

  private settle(id: string, result: HttpResult): void {
    const pending = this.pending.get(id);
    if (pending === undefined) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(result);
  }

  private violation(reason: string): void {
    this.socket.close(RELAY_CLOSE.protocolError, reason.slice(0, 120)); // a close reason is at most 123 bytes
    this.shut(`relay: the listener broke the protocol (${reason})`);
  }

  /** Fails every outstanding request: the listener is gone. */
  private shut(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pinger);
    const message = reason.startsWith('relay:') ? reason : `relay: ${reason}`;
    for (const [id, pending] of this.pending) {
      this.settle(id, { kind: 'error', code: 'network_error', message, durationMs: performance.now() - pending.started });
    }
    this.onClose();
  }
}

/** A text message as a protocol object of version 1, or null. */
function parseMessage(data: unknown): Record<string, unknown> | null {
  const text = Buffer.isBuffer(data)
    ? data.toString('utf8')
    : Array.isArray(data)
      ? Buffer.concat(data as Buffer[]).toString('utf8')
      : null;
  if (text === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const message = parsed as Record<string, unknown>;
  return message.v === RELAY_PROTOCOL_VERSION ? message : null;
}

function listenerError(message: Record<string, unknown>): Unsettled {
  const text = typeof message.message === 'string' ? message.message.slice(0, ERROR_MESSAGE_MAX) : 'no reason given';
  return { kind: 'error', code: 'network_error', message: storableText(Buffer.from(`relay: the listener got no local answer: ${text}`)) };
}

/** The relays of this process, at most one per subscription. */
export class RelayHub implements RelayRoutes {
  private readonly relays = new Map<string, RelayConnection>();

  constructor(readonly responseBodyCapBytes: number) {}

  get(subscriptionId: string): RelayConnection | undefined {
    return this.relays.get(subscriptionId);
  }

  has(subscriptionId: string): boolean {
    return this.relays.has(subscriptionId);
  }

  get size(): number {
    return this.relays.size;
  }

  /** Attaches `socket` as the subscription's relay; null (and the socket closed) when one is
   *  attached already: the first listener keeps the subscription. */
  attach(subscriptionId: string, url: string, socket: RelaySocket): RelayConnection | null {
    if (this.relays.has(subscriptionId)) {
      socket.close(RELAY_CLOSE.replaced, 'another listener is connected to this subscription');
      return null;
    }
    const connection: RelayConnection = new RelayConnection(socket, this.responseBodyCapBytes, () => {
      if (this.relays.get(subscriptionId) === connection) this.relays.delete(subscriptionId);
    });
    this.relays.set(subscriptionId, connection);
    connection.ready(subscriptionId, url);
    return connection;
  }

  /** Closes every relay (the server stopping): their deliveries go to their URLs again. */
  closeAll(): void {
    for (const connection of [...this.relays.values()]) connection.close(RELAY_CLOSE.serverClosing, 'the server is stopping');
  }
}
