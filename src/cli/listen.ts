// `herald listen`: receive webhooks on a developer's machine (DESIGN.md §12).
//
// Local mode (this file's listenLocally): an HTTP server on --port that verifies each request with
// herald/receiver (--secret and/or --jwt-secret), prints it (time, event type, webhook-id, the
// verification result and reason, the body pretty-printed), and answers 204 when it verifies, 401
// (400 when malformed) when it does not. With --forward URL a verified request is sent on unchanged
// (method, headers, body bytes) to that local service and answered with its status and body, 502
// when it cannot be reached; a refused request is not forwarded, so the service only ever sees what
// Herald signed. Ctrl-C (SIGINT) closes the server and exits 0.
//
// Relay mode (--subscription/--server/--key: a WebSocket to a Herald server, no public URL needed)
// plugs in at `run`, beside the local mode.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { readRawBody, statusFor, type Verified, type VerifyResult, verify } from '../receiver/index.js';
import { RELAY_USAGE, relayCommand } from './listen-relay.js';

const DEFAULT_PORT = 4000;

export const HELP = `usage: herald listen --port N (--secret whsec_... | --jwt-secret S) [--forward URL] [--json]

Receives webhooks locally: verifies each request's signature (Standard Webhooks) or JWT, prints
it (time, event type, webhook-id, verification result, body), and answers 204 when it verifies,
401 when it does not. With --forward, a verified request goes on unchanged to your local service and
Herald gets that service's answer (502 when it cannot be reached).

options:
  --port N             port to listen on (default ${DEFAULT_PORT}; 0: any free port, printed at start)
  --host H             address to listen on (default 127.0.0.1)
  --secret whsec_...   the subscription's signing secret; repeat it for both secrets of a rotation
  --jwt-secret S       the JWT secret string (seed 002's JWT bearer); repeatable likewise
  --tolerance S        seconds webhook-timestamp may differ from now (default 300)
  --forward URL        send verified requests on to this local URL, answer with its status and body
  --json               one JSON line per request instead of the readable form
  -h, --help           this help

Stop with Ctrl-C.

Relay mode: with --subscription, a subscription's deliveries come from a Herald server over a
WebSocket (no public URL needed) and are answered with your local service's status:

${RELAY_USAGE}`;

const BODY_LIMIT_BYTES = 5 * 1_048_576; // a larger request is answered 413
const FORWARD_TIMEOUT_MS = 30_000; // the local service's answer must come within this
// Hop-by-hop headers and those the forwarding fetch sets itself: everything else is sent unchanged.
const NOT_FORWARDED = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
  'expect',
]);

export interface LocalListenOptions {
  port: number;
  host: string;
  secrets: string[];
  jwtSecrets: string[];
  toleranceSeconds?: number;
  forward: string | null;
  json: boolean;
  /** Where lines go (stdout by default). */
  print?: (line: string) => void;
}

export interface LocalListener {
  url: string;
  close(): Promise<void>;
}

class UsageError extends Error {}

/** The event type a request names, whatever its payload format. */
function eventTypeOf(result: VerifyResult, payload: unknown): string {
  if (result.ok && result.claims) return result.claims.object_class;
  if (payload !== null && typeof payload === 'object' && !Array.isArray(payload)) {
    const p = payload as Record<string, unknown>;
    for (const key of ['type', 'topicName', 'object_class', 'EventType']) if (typeof p[key] === 'string') return p[key];
  }
  return Array.isArray(payload) ? `batch of ${payload.length}` : '-';
}

function parsed(body: Buffer): unknown {
  if (body.length === 0) return null;
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

interface Forwarded {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  error: string | null;
  durationMs: number;
}

/** Sends the request on unchanged to the local service. Not through the SSRF guard on purpose: the
 *  developer names their own local service. */
async function forward(url: string, req: IncomingMessage, body: Buffer): Promise<Forwarded> {
  const started = performance.now();
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || NOT_FORWARDED.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? 'POST';
  try {
    const res = await fetch(url, {
      method,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
      ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
    });
    const answer = Buffer.from(await res.arrayBuffer());
    const type = res.headers.get('content-type');
    return {
      status: res.status,
      headers: type ? { 'content-type': type } : {},
      body: answer,
      error: null,
      durationMs: performance.now() - started,
    };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const error = `${url} cannot be reached: ${e.cause?.code ?? e.name}${e.cause?.message ? ` (${e.cause.message})` : ''}`;
    return {
      status: 502,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ error })),
      error,
      durationMs: performance.now() - started,
    };
  }
}

/** The readable form of one request. */
function readable(at: Date, req: IncomingMessage, result: VerifyResult, payload: unknown, forwarded: Forwarded | null): string {
  const id = headerOf(req, 'webhook-id') ?? (result.ok ? result.id : null) ?? '-';
  const verdict = result.ok ? 'verified' : `REFUSED ${result.reason}: ${result.message}`;
  const lines = [`${at.toISOString().slice(11, 23)}  ${req.method} ${req.url}  ${eventTypeOf(result, payload)}  ${id}  ${verdict}`];
  if (payload !== null) lines.push(typeof payload === 'string' ? payload : JSON.stringify(payload, null, 2));
  if (forwarded)
    lines.push(
      forwarded.error
        ? `-> not forwarded: ${forwarded.error} (answered 502)`
        : `-> forwarded: ${forwarded.status} (${Math.round(forwarded.durationMs)} ms)`,
    );
  return `${lines.join('\n')}\n`;
}

const headerOf = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** One JSON line for one request (--json). */
function jsonLine(at: Date, req: IncomingMessage, result: VerifyResult, payload: unknown, forwarded: Forwarded | null): string {
  const verified = result.ok ? (result as Verified) : null;
  return JSON.stringify({
    time: at.toISOString(),
    method: req.method,
    path: req.url,
    id: headerOf(req, 'webhook-id') ?? verified?.id ?? null,
    type: eventTypeOf(result, payload),
    verified: result.ok,
    ...(result.ok ? {} : { reason: result.reason, message: result.message }),
    payload,
    ...(forwarded ? { forwarded: { status: forwarded.status, error: forwarded.error } } : {}),
  });
}

/** Local mode: a verifying (and forwarding) receiver on options.port until close(). */
export async function listenLocally(options: LocalListenOptions): Promise<LocalListener> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const verifyOptions = {
    ...(options.secrets.length > 0 ? { secret: options.secrets } : {}),
    ...(options.jwtSecrets.length > 0 ? { jwtSecret: options.jwtSecrets } : {}),
    ...(options.toleranceSeconds !== undefined ? { toleranceSeconds: options.toleranceSeconds } : {}),
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const at = new Date();
    let body: Buffer;
    try {
      body = await readRawBody(req, BODY_LIMIT_BYTES);
    } catch (err) {
      res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message }));
      return;
    }
    const result = await verify(body, req.headers, verifyOptions);
    const payload = parsed(body);
    const forwarded = result.ok && options.forward !== null ? await forward(options.forward, req, body) : null;
    print(options.json ? jsonLine(at, req, result, payload, forwarded) : readable(at, req, result, payload, forwarded));
    if (!result.ok) {
      res
        .writeHead(statusFor(result.reason), { 'content-type': 'application/json' })
        .end(JSON.stringify({ reason: result.reason, message: result.message }));
    } else if (forwarded) {
      res.writeHead(forwarded.status, forwarded.headers).end(forwarded.body);
    } else {
      res.writeHead(204).end();
    }
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: err.message }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parse(args: string[]): LocalListenOptions | 'help' {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      secret: { type: 'string', multiple: true },
      'jwt-secret': { type: 'string', multiple: true },
      tolerance: { type: 'string' },
      forward: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`--port must be a port number from 0 to 65535 (got "${values.port}")`);
  const secrets = values.secret ?? [];
  const jwtSecrets = values['jwt-secret'] ?? [];
  if (secrets.length === 0 && jwtSecrets.length === 0)
    throw new UsageError("give --secret whsec_... (the subscription's signing secret) or --jwt-secret");
  for (const s of secrets)
    if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(s))
      throw new UsageError('--secret must be a Standard Webhooks secret: whsec_ followed by base64');
  if (jwtSecrets.some((s) => s === '')) throw new UsageError('--jwt-secret must not be empty');
  const tolerance = values.tolerance === undefined ? undefined : Number(values.tolerance);
  if (tolerance !== undefined && (!Number.isInteger(tolerance) || tolerance < 0))
    throw new UsageError(`--tolerance must be whole seconds, 0 or more (got "${values.tolerance}")`);
  let forwardUrl: string | null = null;
  if (values.forward !== undefined) {
    let u: URL;
    try {
      u = new URL(values.forward);
    } catch {
      throw new UsageError(`--forward "${values.forward}" is not a URL: give e.g. http://localhost:3000/webhooks`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError('--forward must be an http:// or https:// URL');
    forwardUrl = u.toString();
  }
  return {
    port,
    host: values.host ?? '127.0.0.1',
    secrets,
    jwtSecrets,
    ...(tolerance !== undefined ? { toleranceSeconds: tolerance } : {}),
    forward: forwardUrl,
    json: values.json === true,
  };
}

/** Resolves when SIGINT (or SIGTERM) arrives. */
function untilInterrupted(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

export async function run(args: string[]): Promise<number> {
  // Relay mode: a subscription's deliveries over a WebSocket from a Herald server (listen-relay.ts).
  if (args.some((a) => a === '--subscription' || a.startsWith('--subscription='))) return relayCommand(args);
  let options: LocalListenOptions | 'help';
  try {
    options = parse(args);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      // parseArgs explains over several lines: the first says what is wrong
      console.error(`herald listen: ${(err as Error).message.split('\n')[0]} (herald listen --help)`);
      return 2;
    }
    throw err;
  }
  if (options === 'help') {
    console.log(HELP);
    return 0;
  }
  let listener: LocalListener;
  try {
    listener = await listenLocally(options);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw err;
    console.error(`herald listen: cannot listen on ${options.host}:${options.port}: ${code} (choose another --port)`);
    return 2;
  }
  const mode = options.forward ? `forwarding verified requests to ${options.forward}` : 'answering 204 when verified, 401 when not';
  if (options.json) console.log(JSON.stringify({ listening: listener.url, forward: options.forward }));
  else console.log(`herald listen: receiving on ${listener.url}, ${mode}. Ctrl-C stops.`);
  const signal = await untilInterrupted();
  await listener.close();
  if (!options.json) console.log(`herald listen: stopped (${signal})`);
  return 0;
}
