// A real webhook receiver for tests: an HTTP server on 127.0.0.1:0 that records every request and
// answers with whatever the test scripts, like svix's TestReceiver.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** What to answer: a status, optional headers and body, or a custom handler. */
export type Reply =
  | number
  | { status: number; headers?: Record<string, string>; body?: string }
  | ((res: ServerResponse, req: ReceivedRequest) => void);

export class TestReceiver {
  readonly requests: ReceivedRequest[] = [];
  private replies: Reply[] = [];
  private fallback: Reply = 204;
  private waiters: { count: number; resolve: () => void }[] = [];
  private server: Server;
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const received: ReceivedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        };
        this.requests.push(received);
        const reply = this.replies.shift() ?? this.fallback;
        if (typeof reply === 'function') reply(res, received);
        else if (typeof reply === 'number') res.writeHead(reply).end();
        else res.writeHead(reply.status, reply.headers).end(reply.body ?? '');
        this.waiters = this.waiters.filter((w) => {
          if (this.requests.length >= w.count) w.resolve();
          return this.requests.length < w.count;
        });
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Answers the next requests with these replies, in order, then with `fallback`. */
  script(...replies: Reply[]): this {
    this.replies.push(...replies);
    return this;
  }

  always(reply: Reply): this {
    this.fallback = reply;
    return this;
  }

  /** Resolves when `count` requests have arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`receiver got ${this.requests.length}/${count} requests in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls `check` every 20 ms until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
