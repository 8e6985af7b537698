// `herald listen --subscription sub_... --server URL --key KEY [--forward URL | --port N]`: the
// relay mode of `herald listen` (DESIGN.md §12). It connects to a running Herald over a WebSocket
// (GET /v1/subscriptions/{id}/listen, src/api/routes/listen.ts) and, while connected, receives that
// subscription's deliveries instead of its URL: each request as Herald signed and sent it (the
// protocol is described in src/delivery/relay.ts). It forwards the request unchanged to a local
// service (--forward URL, or --port N: http://127.0.0.1:N plus the subscription URL's path) and
// answers Herald with the local status, headers and body, or, with neither, answers itself: 204
// when the signature verifies (or cannot be checked), 401 when it does not. Every request is
// printed. Herald records each answer as a normal attempt; when the listener stops, the
// subscription's deliveries go to its URL again.
import { parseArgs } from 'node:util';
import { request as httpRequest, WebSocket } from 'undici';
import { verifyStandardWebhooks } from '../receiver/verify.js';

export const RELAY_USAGE = `usage: herald listen --subscription sub_... --server URL --key KEY [--forward URL | --port N] [--secret whsec_...]

  Receives the subscription's deliveries on this machine while it runs (no public URL needed);
  Herald records the answers as normal attempts. Stop it with Ctrl-C: deliveries go to the
  subscription's URL again.

  --subscription ID   the subscription (sub_...)
  --server URL        Herald's URL (default HERALD_URL), e.g. http://127.0.0.1:8080
  --key KEY           an API key: admin, or a subscriber key of the subscription's subscriber
                      (default HERALD_KEY)
  --forward URL       send each request, unchanged, to this local URL and answer with its response
  --port N            the same to http://127.0.0.1:N plus the path of the subscription's URL
  --secret whsec_...  verify signatures with this secret (default: the subscription's, when the
                      key may read it); without --forward or --port, the listener answers 204 to
                      a request that verifies and 401 to one that does not`;

const PROTOCOL_VERSION = 1;
const PRINTED_BODY_CHARS = 2_000; // of a body printed when the listener answers itself
const DEFAULT_MAX_BODY_BYTES = 20 * 1024; // response bytes sent back when the server does not say
const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade']);

export interface RelayOptions {
  subscription: string;
  /** Herald's base URL (http or https). */
  server: string;
  key: string;
  /** Forward each request to this URL; null/undefined: see `port`, or answer itself. */
  forward?: string | null;
  /** Forward to http://127.0.0.1:port + the delivery's path. */
  port?: number | null;
  /** Verify signatures with this secret; default: the subscription's, fetched when the key may. */
  secret?: string | null;
  /** Aborting it disconnects; runRelay then returns 0. */
  signal?: AbortSignal;
  /** Where lines are printed (default: stdout; errors: stderr). */
  print?: (line: string) => void;
  printError?: (line: string) => void;
  /** Called once the server has attached the listener. */
  onReady?: () => void;
}

/** A delivery request as the server sends it. */
interface RelayedRequest {
  id: string;
  method: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  body: string | null;
  timeoutMs: number;
}

/** Runs the relay until the signal aborts (0) or the server refuses or drops the listener (1). */
export async function runRelay(options: RelayOptions): Promise<number> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const printError = options.printError ?? ((line: string) => process.stderr.write(`${line}\n`));
  const base = options.server.replace(/\/+$/, '');
  const auth = { authorization: `Bearer ${options.key}` };
  const listenPath = `/v1/subscriptions/${encodeURIComponent(options.subscription)}/listen`;

  // A WebSocket client learns only that an upgrade failed, not why: the same checks as a plain GET
  // first, for the server's own error message (unknown key, no such subscription, taken, role api).
  const status = await getJson(`${base}${listenPath}`, auth);
  if ('error' in status) {
    printError(`herald listen: ${status.error}`);
    return 1;
  }
  if (status.body.available === false) {
    printError(`herald listen: relay_unavailable: ${base} does not deliver (role api); connect to a Herald process of role all`);
    return 1;
  }
  if (status.body.connected === true) {
    printError(`herald listen: relay_connected: another listener is connected to ${options.subscription}; stop it first`);
    return 1;
  }
  const secret = options.secret ?? (await fetchSecret(base, options.subscription, auth));
  const forward = options.forward ?? null;
  const port = options.port ?? null;

  return new Promise<number>((resolve) => {
    const socket = new WebSocket(`${base.replace(/^http/, 'ws')}${listenPath}`, { headers: auth });
    let maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    let stopping = false;
    const stop = () => {
      stopping = true;
      socket.close(1000, 'listener stopped');
    };
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener('abort', stop, { once: true });
    const reply = (message: Record<string, unknown>) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ v: PROTOCOL_VERSION, ...message }));
    };

    socket.addEventListener('message', (event) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(String(event.data)) as Record<string, unknown>;
      } catch {
        return;
      }
      if (message.v !== PROTOCOL_VERSION) return;
      if (message.type === 'ready') {
        if (typeof message.maxBodyBytes === 'number') maxBodyBytes = message.maxBodyBytes;
        const target = forward ?? (port !== null ? `http://127.0.0.1:${port}` : 'this listener');
        print(
          `connected: deliveries of ${options.subscription} come here (to ${target}) instead of ${String(message.url)}; Ctrl-C to stop`,
        );
        if (secret === null) print('signatures are not checked (no --secret, and the key may not read the signing secret)');
        options.onReady?.();
        return;
      }
      if (message.type === 'request') {
        const req = message as unknown as RelayedRequest;
        handle(req, { forward, port, secret, maxBodyBytes }).then(
          (answer) => {
            reply({ id: req.id, ...answer.message });
            print(describe(req, answer.verdict, answer.summary, answer.printBody ? req.body : null));
          },
          (err: Error) => {
            const why = localError(err);
            reply({ type: 'error', id: req.id, message: why });
            print(describe(req, '-', `no local answer: ${why}`, null));
          },
        );
      }
    });
    socket.addEventListener('error', () => {}); // a close event follows, with the code
    socket.addEventListener('close', (event) => {
      options.signal?.removeEventListener('abort', stop);
      if (stopping) {
        print('disconnected: deliveries go to the subscription URL again');
        resolve(0);
        return;
      }
      const reason = event.reason ? `: ${event.reason}` : '';
      printError(`herald listen: the server closed the connection (${event.code}${reason})`);
      resolve(1);
    });
  });
}

/** What a request's handling sends back and prints. */
interface Answer {
  message: Record<string, unknown>;
  verdict: string;
  summary: string;
  printBody: boolean;
}

async function handle(
  req: RelayedRequest,
  o: { forward: string | null; port: number | null; secret: string | null; maxBodyBytes: number },
): Promise<Answer> {
  const verdict = o.secret === null ? 'signature not checked' : verify(req, o.secret);
  const target = o.forward ?? (o.port !== null ? `http://127.0.0.1:${o.port}${req.path}` : null);
  if (target === null) {
    const ok = o.secret === null || verdict === 'signature ok' || !('webhook-signature' in req.headers);
    const status = ok ? 204 : 401;
    const body = ok ? '' : Buffer.from(verdict).toString('base64');
    return { message: { type: 'response', status, headers: {}, body }, verdict, summary: `answered ${status}`, printBody: true };
  }
  const started = performance.now();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name.toLowerCase())) headers[name] = value;
  const res = await httpRequest(target, {
    method: req.method === 'GET' ? 'GET' : 'POST',
    headers,
    body: req.body,
    signal: AbortSignal.timeout(Math.max(1, req.timeoutMs)),
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    const buffer = chunk as Buffer;
    chunks.push(buffer.subarray(0, o.maxBodyBytes - size));
    size = Math.min(o.maxBodyBytes, size + buffer.length);
    if (size >= o.maxBodyBytes) {
      res.body.destroy(); // the server keeps no more: stop reading
      break;
    }
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers))
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  const ms = Math.round(performance.now() - started);
  return {
    message: { type: 'response', status: res.statusCode, headers: out, body: Buffer.concat(chunks).toString('base64') },
    verdict,
    summary: `${target} answered ${res.statusCode} (${ms} ms)`,
    printBody: false,
  };
}

/** Why the local service gave no answer, in a line. */
function localError(err: Error): string {
  const e = err as { code?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'the local service did not answer in time';
  const code = e.code ?? e.cause?.code;
  return code ? `${code}: ${e.cause?.message ?? err.message}` : err.message;
}

/** Standard Webhooks verification of a relayed request (herald/receiver's): 'signature ok' or why not. */
export function verify(req: Pick<RelayedRequest, 'headers' | 'body'>, secret: string): string {
  const result = verifyStandardWebhooks(req.body ?? '', req.headers, { secret });
  return 'ok' in result ? `signature INVALID: ${result.reason}: ${result.message}` : 'signature ok';
}

/** One printed line per delivery, with its body when the listener answered it itself. */
function describe(req: RelayedRequest, verdict: string, summary: string, body: string | null): string {
  let type = '-';
  try {
    const parsed = JSON.parse(req.body ?? '') as { type?: unknown };
    if (typeof parsed.type === 'string') type = parsed.type;
  } catch {
    // not JSON: no type to show
  }
  const line = `${new Date().toISOString()}  ${req.method} ${req.path}  ${type}  ${req.headers['webhook-id'] ?? '-'}  ${verdict}  → ${summary}`;
  if (body === null || body === '') return line;
  return `${line}\n${body.length > PRINTED_BODY_CHARS ? `${body.slice(0, PRINTED_BODY_CHARS)}…` : body}`;
}

async function getJson(
  url: string,
  headers: Record<string, string>,
): Promise<{ body: Record<string, unknown> } | { error: string; status?: number }> {
  let res: Response;
  try {
    res = await fetch(url, { headers });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    return { error: `cannot reach ${url}: ${cause ?? (err as Error).message}` };
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: the status says enough
  }
  if (!res.ok) return { status: res.status, error: `${String(body.code ?? res.status)}: ${String(body.message ?? text.slice(0, 200))}` };
  return { body };
}

/** The subscription's signing secret, when the key may read it (subscriptions.secret); else null. */
async function fetchSecret(base: string, subscription: string, headers: Record<string, string>): Promise<string | null> {
  const got = await getJson(`${base}/v1/subscriptions/${encodeURIComponent(subscription)}/secret`, headers);
  return 'body' in got && typeof got.body.secret === 'string' ? got.body.secret : null;
}

class UsageError extends Error {}

/** The options of a command line, or a UsageError saying what to fix. */
export function parseRelayArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): RelayOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        subscription: { type: 'string' },
        server: { type: 'string' },
        key: { type: 'string' },
        forward: { type: 'string' },
        port: { type: 'string' },
        secret: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  const subscription = values.subscription;
  if (typeof subscription !== 'string' || !subscription.startsWith('sub_'))
    throw new UsageError('--subscription needs a subscription id (sub_...)');
  const server = typeof values.server === 'string' ? values.server : env.HERALD_URL;
  if (!server || !/^https?:\/\/[^/]/.test(server))
    throw new UsageError("--server (or HERALD_URL) needs Herald's http(s) URL, e.g. http://127.0.0.1:8080");
  const key = typeof values.key === 'string' ? values.key : env.HERALD_KEY;
  if (!key) throw new UsageError('--key (or HERALD_KEY) needs an API key');
  const forward = typeof values.forward === 'string' ? values.forward : null;
  if (forward !== null && !/^https?:\/\/[^/]/.test(forward)) throw new UsageError(`--forward needs an http(s) URL, not "${forward}"`);
  let port: number | null = null;
  if (typeof values.port === 'string') {
    if (!/^\d{1,5}$/.test(values.port) || Number(values.port) < 1 || Number(values.port) > 65_535)
      throw new UsageError(`--port needs a port number from 1 to 65535, not "${values.port}"`);
    port = Number(values.port);
  }
  if (forward !== null && port !== null) throw new UsageError('give --forward or --port, not both');
  const secret = typeof values.secret === 'string' ? values.secret : null;
  return { subscription, server, key, forward, port, secret };
}

/** The command: parses, runs until Ctrl-C (or SIGTERM), returns the exit code. */
export async function relayCommand(argv: string[]): Promise<number> {
  let options: RelayOptions | 'help';
  try {
    options = parseRelayArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`herald listen: ${err.message} (herald listen --help)\n`);
    return 2;
  }
  if (options === 'help') {
    console.log(RELAY_USAGE);
    return 0;
  }
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await runRelay({ ...options, signal: stop.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
