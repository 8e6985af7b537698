// `herald messages list|show|resend`: messages (an event's delivery to one subscription) of a
// running Herald, over its API, with the API's filters as flags.
import { type ItemOf, listAll } from '../client/index.js';
import { type Command, choiceFlag, intFlag, parseFlags, table, timeFlag, UsageError } from './command.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connect, cut, printJson, shortTime } from './remote.js';

export const MESSAGE_STATUSES = ['pending', 'succeeded', 'retrying', 'failed'] as const;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 10_000;
const MAX_ATTEMPTS_SHOWN = 1_000; // attempts listed by `show`

const TIME_HELP = 'TIME is ISO 8601 (2026-01-31T12:00:00Z) or a duration ago (30m, 2h, 7d)';

const SUBS: Record<string, string> = {
  list: `usage: herald messages list [filters] [--limit N] [--json]

Messages, newest first: id, created, status, attempts, last status code, event type, subscription.

  --subscription SUB_ID   of this subscription
  --subscriber SBR_ID     of this subscriber
  --status STATUS         ${MESSAGE_STATUSES.join(', ')}
  --type EVENT_TYPE       of this event type
  --since TIME            created at or after TIME
  --until TIME            created before TIME
  --limit N               at most N (default ${DEFAULT_LIMIT}, up to ${MAX_LIMIT})
  --json                  the messages as the API gives them (a JSON array)
  ${TIME_HELP}

${CONNECTION_HELP}`,
  show: `usage: herald messages show MSG_ID [--json]

One message and its attempts (time, trigger, status code, duration, error).

  --json   {"message": ..., "attempts": [...]} as the API gives them

${CONNECTION_HELP}`,
  resend: `usage: herald messages resend MSG_ID

Sends the message again, now, with a fresh retry budget (recorded as a manual attempt).

${CONNECTION_HELP}`,
};

const HELP = `usage: herald messages <list|show|resend> [options]

  list     messages, filtered by --subscription --subscriber --status --type --since --until
  show     one message and its attempts
  resend   send one message again, now

\`herald messages <sub> --help\` tells more.

${CONNECTION_HELP}`;

function messageRow(m: ItemOf<'/v1/messages'>): string[] {
  return [
    m.id,
    shortTime(m.createdAt),
    m.status,
    String(m.attempts),
    m.lastStatusCode === null ? '-' : String(m.lastStatusCode),
    m.eventType,
    m.subscriptionId,
  ];
}

function attemptRow(a: ItemOf<'/v1/messages/{id}/attempts'>): string[] {
  return [
    a.id,
    shortTime(a.createdAt),
    a.trigger,
    a.statusCode === null ? '-' : String(a.statusCode),
    `${Math.round(a.durationMs)} ms`,
    cut(a.error, 60),
  ];
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    {
      ...CONNECTION_OPTIONS,
      subscription: { type: 'string' },
      subscriber: { type: 'string' },
      status: { type: 'string' },
      type: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    },
    2,
  );
  const [sub, id] = positionals;
  if (!sub) throw new UsageError('which one: list, show or resend?');
  if (!(sub in SUBS)) throw new UsageError(`unknown subcommand "${sub}" (list, show, resend)`);
  const filters = ['subscription', 'subscriber', 'status', 'type', 'since', 'until', 'limit'] as const;
  if (sub !== 'list') {
    const misplaced = filters.find((f) => values[f] !== undefined);
    if (misplaced) throw new UsageError(`--${misplaced} goes with list`);
    if (!id) throw new UsageError(`${sub} needs the message id: herald messages ${sub} msg_...`);
  } else if (id !== undefined) throw new UsageError(`unexpected argument "${id}"`);

  if (sub === 'list') {
    const query = {
      subscriptionId: values.subscription,
      subscriberId: values.subscriber,
      status: values.status === undefined ? undefined : choiceFlag('status', values.status, MESSAGE_STATUSES),
      eventType: values.type,
      since: values.since === undefined ? undefined : timeFlag('since', values.since),
      until: values.until === undefined ? undefined : timeFlag('until', values.until),
    };
    const max = values.limit === undefined ? DEFAULT_LIMIT : intFlag('limit', values.limit, 1, MAX_LIMIT);
    const client = connect(values);
    const { items, truncated } = await listAll(client, '/v1/messages', { query, max });
    if (values.json) printJson(items);
    else console.log(table(['ID', 'CREATED', 'STATUS', 'ATTEMPTS', 'LAST', 'EVENT TYPE', 'SUBSCRIPTION'], items.map(messageRow)));
    // On stderr, so that --json output stays one document.
    if (truncated) console.error(`(the newest ${max}: --limit shows more)`);
    return 0;
  }

  const client = connect(values);
  const messageId = id as string;
  if (sub === 'resend') {
    const m = await client.post('/v1/messages/{id}/resend', { params: { id: messageId } });
    if (values.json) printJson(m);
    else console.log(`resending ${m.id} to ${m.url} now (status ${m.status})`);
    return 0;
  }
  const message = await client.get('/v1/messages/{id}', { params: { id: messageId } });
  const { items: attempts } = await listAll(client, '/v1/messages/{id}/attempts', { params: { id: messageId }, max: MAX_ATTEMPTS_SHOWN });
  if (values.json) {
    printJson({ message, attempts });
    return 0;
  }
  const fields: [string, string][] = [
    ['id', message.id],
    ['event', `${message.eventId} (${message.eventType})`],
    ['subscription', `${message.subscriptionId} (subscriber ${message.subscriberId})`],
    ['url', message.url],
    ['status', message.status],
    ['attempts', `${message.attempts} (${message.retries} scheduled retries used)`],
    ['next attempt', shortTime(message.nextAttemptAt)],
    ['last status code', message.lastStatusCode === null ? '-' : String(message.lastStatusCode)],
    ['last error', message.lastError ?? '-'],
    ['created', shortTime(message.createdAt)],
    ['updated', shortTime(message.updatedAt)],
  ];
  const width = Math.max(...fields.map(([k]) => k.length));
  console.log(fields.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
  console.log(
    `\n${attempts.length === 0 ? 'no attempts yet' : table(['ATTEMPT', 'TIME', 'TRIGGER', 'STATUS', 'DURATION', 'ERROR'], attempts.map(attemptRow))}`,
  );
  return 0;
}

export const messagesCommand: Command = {
  name: 'messages',
  summary: 'list, show (with attempts) or resend messages (over the API)',
  help: HELP,
  subcommands: SUBS,
  run,
};
