// `herald tail`: delivery attempts as they happen, polled from GET /v1/attempts.
//
// An attempt's id and createdAt are its start, but it is recorded when it ends, up to the longest
// subscription timeout later, and by any of several workers: a poll that only asked for attempts
// newer than the last one printed would miss slow ones. So each poll reads the attempts started in
// the last LOOKBACK_MS (never before the tail began), newest first, a bounded number of pages, and
// prints those not printed before, oldest first; ids older than the window are forgotten.
import { HeraldApiError, type HeraldClient, type ItemOf } from '../client/index.js';
import { type Command, intFlag, parseFlags } from './command.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connect, cut } from './remote.js';

type Attempt = ItemOf<'/v1/attempts'>;

const LOOKBACK_MS = 330_000; // the longest subscription timeout (300 s) plus the time to record it
const PAGE = 1_000; // attempts per request (the API's most)
const MAX_PAGES_PER_POLL = 5; // beyond 5,000 attempts in the window, the oldest unseen ones are skipped
const DEFAULT_INTERVAL_MS = 1_000;

const HELP = `usage: herald tail [--subscription SUB_ID] [--subscriber SBR_ID] [--interval MS] [--json]

Prints delivery attempts as they are recorded, until Ctrl-C: time, message, subscription, status
code (or -), duration and error.

  --subscription SUB_ID   only this subscription's
  --subscriber SBR_ID     only this subscriber's
  --interval MS           how often to ask, in milliseconds (default ${DEFAULT_INTERVAL_MS}, 200 to 60000)
  --json                  one JSON object per attempt and line, as the API gives it

${CONNECTION_HELP}`;

const COLUMNS = [19, 30, 30, 6, 9] as const; // time, message, subscription, status, duration

function line(a: Attempt): string {
  const cells = [
    a.createdAt.replace('T', ' ').slice(0, 19),
    a.messageId,
    a.subscriptionId,
    a.statusCode === null ? '-' : String(a.statusCode),
    `${Math.round(a.durationMs)} ms`,
  ];
  const fixed = cells.map((c, i) => c.padEnd(COLUMNS[i] ?? 0)).join('  ');
  return `${fixed}  ${a.error === null ? '' : cut(a.error, 100)}`.trimEnd();
}

const HEADER = `${['TIME', 'MESSAGE', 'SUBSCRIPTION', 'STATUS', 'DURATION'].map((c, i) => c.padEnd(COLUMNS[i] ?? 0)).join('  ')}  ERROR`;

/** The attempts of the window not seen before, oldest first; marks them seen. */
async function poll(
  client: HeraldClient,
  filter: { subscriptionId?: string | undefined; subscriberId?: string | undefined },
  startedAt: number,
  seen: Map<string, number>,
  signal: AbortSignal,
): Promise<Attempt[]> {
  const sinceMs = Math.max(startedAt, Date.now() - LOOKBACK_MS);
  for (const [id, at] of seen) if (at < sinceMs) seen.delete(id);
  const fresh: Attempt[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
    const result = await client.get('/v1/attempts', {
      query: { ...filter, since: new Date(sinceMs).toISOString(), limit: PAGE, cursor },
      signal,
    });
    for (const a of result.data) {
      if (seen.has(a.id)) continue;
      seen.set(a.id, Date.parse(a.createdAt));
      fresh.push(a);
    }
    if (result.nextCursor === null) break;
    cursor = result.nextCursor;
  }
  return fresh.sort((x, y) => (x.id < y.id ? -1 : 1));
}

async function run(args: string[]): Promise<number> {
  const { values } = parseFlags(
    args,
    {
      ...CONNECTION_OPTIONS,
      subscription: { type: 'string' },
      subscriber: { type: 'string' },
      interval: { type: 'string' },
      json: { type: 'boolean' },
    },
    0,
  );
  const intervalMs = values.interval === undefined ? DEFAULT_INTERVAL_MS : intFlag('interval', values.interval, 200, 60_000);
  const client = connect(values);
  const filter = { subscriptionId: values.subscription, subscriberId: values.subscriber };
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const startedAt = Date.now();
  const seen = new Map<string, number>();
  let warned = false;
  try {
    // The first poll checks the server, key and filters: a failure there is the command's error.
    const first = await poll(client, filter, startedAt, seen, stop.signal);
    if (!values.json) console.log(HEADER);
    for (const a of first) console.log(values.json ? JSON.stringify(a) : line(a));
    while (!stop.signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        stop.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (stop.signal.aborted) break;
      try {
        for (const a of await poll(client, filter, startedAt, seen, stop.signal)) console.log(values.json ? JSON.stringify(a) : line(a));
        warned = false;
      } catch (err) {
        if (stop.signal.aborted) break;
        if (!(err instanceof HeraldApiError) || err.status !== 0) throw err;
        // The server went away (a restart, say): say so once and keep asking.
        if (!warned) console.error(`herald tail: ${err.message}; retrying every ${intervalMs} ms`);
        warned = true;
      }
    }
    return 0;
  } catch (err) {
    if (stop.signal.aborted) return 0;
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export const tailCommand: Command = { name: 'tail', summary: 'print delivery attempts as they happen (over the API)', help: HELP, run };
