// The delivery HTTP client: undici with a pool of keep-alive connections per origin. Each request
// has ONE deadline covering connect, headers and body, enforced by an AbortController, so a
// receiver that trickles bytes is cut off on time. Redirects are never followed (undici's default
// with no redirect interceptor): a 3xx is just a failed attempt. The response body is read up to a
// cap and the rest discarded, so memory stays flat whatever the receiver sends.
import { Agent, type Dispatcher } from 'undici';

export interface HttpRequest {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body: string | null;
  timeoutMs: number;
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
  /** undici connect options (custom lookup for the SSRF guard, CA bundle). */
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
      connect: options.connect,
    });
  }

  async send(req: HttpRequest): Promise<HttpResult> {
    const started = performance.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DeadlineError(`no complete response within ${req.timeoutMs} ms`)), req.timeoutMs);
    try {
      const url = new URL(req.url);
      const res = await this.agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: controller.signal,
      } as Dispatcher.RequestOptions);
      const body = await readCapped(res.body, this.options.responseBodyCapBytes);
      return {
        kind: 'response',
        statusCode: res.statusCode,
        headers: flattenHeaders(res.headers),
        body,
        durationMs: performance.now() - started,
      };
    } catch (err) {
      return { kind: 'error', ...classify(err, controller.signal), durationMs: performance.now() - started };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Reads at most `cap` bytes of the body as UTF-8, then drops the connection's remaining bytes. */
async function readCapped(body: Dispatcher.ResponseData['body'], cap: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    if (size + buf.length >= cap) {
      chunks.push(buf.subarray(0, cap - size));
      size = cap;
      body.destroy(); // stop reading; undici closes this connection rather than drain it
      break;
    }
    chunks.push(buf);
    size += buf.length;
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function classify(err: unknown, signal: AbortSignal): { code: DeliveryErrorCode; message: string } {
  if (signal.aborted) return { code: 'timeout', message: (signal.reason as Error).message };
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  const mapped = NETWORK_ERRORS[code] ?? (e.cause?.code ? NETWORK_ERRORS[e.cause.code] : undefined);
  const message = e.cause?.message && e.cause.message !== e.message ? `${e.message}: ${e.cause.message}` : (e.message ?? String(err));
  return { code: mapped ?? 'network_error', message: code ? `${code}: ${message}` : message };
}
