// The delivery HTTP client: undici with a pool of keep-alive connections per origin. Each request
// has ONE deadline covering connect, headers and body, enforced by an AbortController, so a
// receiver that trickles bytes is cut off on time. Redirects are never followed (undici's default
// with no redirect interceptor): a 3xx is just a failed attempt. The response body is read up to a
// cap and the rest discarded, so memory stays flat whatever the receiver sends. Every connection
// goes through the SSRF guard (ssrf.ts); without a `connect` option, its default policy applies.
// Whatever the receiver sends back becomes storable text here (response-text.ts): body, header
// values and error messages, so no response can fail the batch its attempt is recorded with.
import { Agent, type Dispatcher } from 'undici';
import { storableHeaderValue, storableText } from './response-text.js';
import { DEFAULT_POLICY, guardedConnector } from './ssrf.js';

export interface HttpRequest {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body: string | null;
  timeoutMs: number;
  /** Response body bytes kept; default: the client's responseBodyCapBytes (a token fetch sets its own). */
  responseBodyCapBytes?: number;
}

export type HttpResult =
  | { kind: 'response'; statusCode: number; headers: Record<string, string>; body: string; durationMs: number }
  | { kind: 'error'; code: DeliveryErrorCode; message: string; durationMs: number };

/** Why no HTTP response was recorded. Stable codes users can filter on. */
export type DeliveryErrorCode =
  | 'timeout'
  | 'connection_refused'
  | 'connection_reset'
  | 'dns_failure'
  | 'tls_error'
  | 'blocked'
  | 'network_error';

export interface HttpClientOptions {
  connectionsPerOrigin: number;
  responseBodyCapBytes: number;
  /** undici connector: guardedConnector(...) with the configured policy and CA bundle. */
  connect?: Agent.Options['connect'];
}

const NETWORK_ERRORS: Record<string, DeliveryErrorCode> = {
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
  ENOTFOUND: 'dns_failure',
  EAI_AGAIN: 'dns_failure',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls_error',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls_error',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls_error',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls_error',
  CERT_HAS_EXPIRED: 'tls_error',
  HERALD_BLOCKED: 'blocked',
};

/** Response header bytes (names and values) undici parses before failing the attempt, fixed here
 *  rather than taken from node's --max-http-header-size. */
export const MAX_RESPONSE_HEADER_BYTES = 16_384;

/** Messages for errors whose own text says little. */
const ERROR_MESSAGES: Record<string, string> = {
  UND_ERR_HEADERS_OVERFLOW: `the response headers are too large (over ${MAX_RESPONSE_HEADER_BYTES} bytes)`,
};

export class DeadlineError extends Error {
  readonly code = 'timeout';
}

export class HttpClient {
  private readonly agent: Agent;

  constructor(private readonly options: HttpClientOptions) {
    this.agent = new Agent({
      connections: options.connectionsPerOrigin,
      pipelining: 1,
      keepAliveTimeout: 30_000, // ms an idle connection is kept
      // The per-request deadline below is the real limit; these only stop undici's own defaults
      // from firing first on slow-but-allowed requests.
      headersTimeout: 0,
      bodyTimeout: 0,
      maxHeaderSize: MAX_RESPONSE_HEADER_BYTES, // larger headers: a network_error, see ERROR_MESSAGES
      connect: options.connect ?? guardedConnector({ policy: DEFAULT_POLICY }),
    });
  }

  /**
   * One attempt. Uses undici's low-level dispatch (no stream, no AbortSignal per request): the
   * handler keeps the first `responseBodyCapBytes` of the body and aborts the connection past
   * that. The deadline answers `timeout` on time even while the request still waits for a
   * connection; the request is then aborted as soon as undici starts it.
   */
  send(req: HttpRequest): Promise<HttpResult> {
    const started = performance.now();
    const cap = req.responseBodyCapBytes ?? this.options.responseBodyCapBytes;
    return new Promise<HttpResult>((resolve) => {
      let settled = false;
      let controller: Dispatcher.DispatchController | null = null;
      let abortOnStart: Error | null = null;
      let statusCode = 0;
      let headers: Record<string, string> = {};
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (result: HttpResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const response = (): HttpResult => ({
        kind: 'response',
        statusCode,
        headers,
        body: size === 0 ? '' : storableText(Buffer.concat(chunks, size)), // a UTF-8 sequence cut at the cap becomes U+FFFD
        durationMs: performance.now() - started,
      });
      const timer = setTimeout(() => {
        const reason = new DeadlineError(`no complete response within ${req.timeoutMs} ms`);
        finish({ kind: 'error', code: 'timeout', message: reason.message, durationMs: performance.now() - started });
        if (controller) controller.abort(reason);
        else abortOnStart = reason;
      }, req.timeoutMs);
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(c) {
          controller = c;
          if (abortOnStart) c.abort(abortOnStart);
        },
        onResponseStart(_c, status, responseHeaders) {
          if (status < 200) return; // 1xx informational: the real answer follows
          statusCode = status;
          headers = flattenHeaders(responseHeaders);
        },
        onResponseData(c, chunk) {
          if (size + chunk.length < cap) {
            chunks.push(chunk);
            size += chunk.length;
            return;
          }
          chunks.push(chunk.subarray(0, cap - size));
          size = cap;
          finish(response());
          c.abort(new BodyCapReached()); // stop reading; the connection is closed, not drained
        },
        onResponseEnd() {
          finish(response());
        },
        onResponseError(_c, err) {
          finish({ kind: 'error', ...classify(err), durationMs: performance.now() - started });
        },
      };
      try {
        const { origin, path } = splitUrl(req.url);
        this.agent.dispatch({ origin, path, method: req.method, headers: req.headers, body: req.body }, handler);
      } catch (err) {
        finish({ kind: 'error', ...classify(err), durationMs: performance.now() - started });
      }
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

class BodyCapReached extends Error {}

const urlParts = new Map<string, { origin: string; path: string }>(); // subscription URLs are few
function splitUrl(raw: string): { origin: string; path: string } {
  let parts = urlParts.get(raw);
  if (!parts) {
    const url = new URL(raw);
    parts = { origin: url.origin, path: url.pathname + url.search };
    if (urlParts.size > 10_000) urlParts.clear();
    urlParts.set(raw, parts);
  }
  return parts;
}

/** undici's header object (latin1 strings) as storable text, repeated headers joined. */
function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in headers) {
    const v = headers[k];
    if (v !== undefined) out[storableHeaderValue(k)] = storableHeaderValue(typeof v === 'string' ? v : v.join(', '));
  }
  return out;
}

function classify(err: unknown): { code: DeliveryErrorCode; message: string } {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  const mapped = NETWORK_ERRORS[code] ?? (e.cause?.code ? NETWORK_ERRORS[e.cause.code] : undefined);
  if (mapped === 'blocked') return { code: mapped, message: storableText(e.message ?? String(err)) }; // "127.0.0.1 is loopback"
  const message =
    ERROR_MESSAGES[code] ??
    (e.cause?.message && e.cause.message !== e.message ? `${e.message}: ${e.cause.message}` : (e.message ?? String(err)));
  // Error texts come from libraries and the OS, not from us: storable whatever they hold.
  return { code: mapped ?? 'network_error', message: storableText(code ? `${code}: ${message}` : message) };
}
