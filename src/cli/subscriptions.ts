// `herald subscriptions list|show|enable|disable`: the subscriptions of a running Herald, over
// its API (GET/PATCH /v1/subscriptions...).
import { type HeraldClient, type ItemOf, listAll } from '../client/index.js';
import { type Command, choiceFlag, parseFlags, table, UsageError } from './command.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connect, cut, printJson, shortTime } from './remote.js';

const HEALTH = ['healthy', 'degraded', 'failing', 'disabled'] as const;
const MAX_LISTED = 10_000; // subscriptions fetched by one `list`, page by page

type Subscription = NonNullable<Awaited<ReturnType<typeof getSubscription>>>;

const SUBS: Record<string, string> = {
  list: `usage: herald subscriptions list [--subscriber sbr_...] [--health healthy|degraded|failing|disabled] [--json]

Every subscription, newest first: id, subscriber, health, enabled, event types, URL.

  --subscriber ID   only this subscriber's
  --health STATUS   only those in this health status
  --json            the subscriptions as the API gives them (a JSON array)

${CONNECTION_HELP}`,
  show: `usage: herald subscriptions show SUB_ID [--json]

One subscription: its settings and health (its secrets are never shown).

  --json   the subscription as the API gives it

${CONNECTION_HELP}`,
  enable: `usage: herald subscriptions enable SUB_ID

Enables the subscription and clears its health (PATCH enabled: true). Messages that failed while
it was off are not resent: use \`herald replay --subscription SUB_ID --since TIME\` for them.

${CONNECTION_HELP}`,
  disable: `usage: herald subscriptions disable SUB_ID

Disables the subscription: its messages wait (nothing is delivered) until it is enabled again.

${CONNECTION_HELP}`,
};

const HELP = `usage: herald subscriptions <list|show|enable|disable> [options]

  list      the subscriptions, as a table (--json: as JSON); --subscriber, --health filter them
  show      one subscription with its health
  enable    turn delivery back on and clear its health
  disable   stop delivering (messages wait)

\`herald subscriptions <sub> --help\` tells more.

${CONNECTION_HELP}`;

function getSubscription(client: HeraldClient, id: string) {
  return client.get('/v1/subscriptions/{id}', { params: { id } });
}

function needId(sub: string, id: string | undefined): string {
  if (!id) throw new UsageError(`${sub} needs the subscription id: herald subscriptions ${sub} sub_...`);
  return id;
}

function row(s: ItemOf<'/v1/subscriptions'>): string[] {
  return [s.id, s.subscriberId, s.health.status, s.enabled ? 'yes' : 'no', cut(s.eventTypes.join(','), 30), s.url];
}

function describe(s: Subscription): string {
  const h = s.health;
  const lines: [string, string][] = [
    ['id', s.id],
    ['subscriber', s.subscriberId],
    ['name', s.name ?? '-'],
    ['url', `${s.method} ${s.url}`],
    ['event types', s.eventTypes.join(', ')],
    ['channels', s.channels?.join(', ') ?? '-'],
    ['enabled', s.enabled ? 'yes' : 'no'],
    ['health', `${h.status}${h.reason ? ` (${h.reason})` : ''} since ${shortTime(h.since)}`],
    ['failures in a row', String(h.consecutiveFailures)],
    ['last success', shortTime(h.lastSuccessAt)],
    ['last failure', shortTime(h.lastFailureAt)],
    ['payload format', s.payloadFormat],
    ['retry schedule', s.retrySchedule ? `${s.retrySchedule.join(', ')} s` : 'default'],
    ['timeout', `${s.timeoutSeconds} s`],
    ['filter', s.filter?.join(' && ') ?? '-'],
    ['created', shortTime(s.createdAt)],
    ['updated', shortTime(s.updatedAt)],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  return lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    { ...CONNECTION_OPTIONS, subscriber: { type: 'string' }, health: { type: 'string' }, json: { type: 'boolean' } },
    2,
  );
  const [sub, id] = positionals;
  if (!sub) throw new UsageError('which one: list, show, enable or disable?');
  if (!(sub in SUBS)) throw new UsageError(`unknown subcommand "${sub}" (list, show, enable, disable)`);
  if (sub === 'list' && id !== undefined) throw new UsageError(`unexpected argument "${id}"`);
  if (sub !== 'list' && (values.subscriber !== undefined || values.health !== undefined)) {
    throw new UsageError('--subscriber and --health go with list');
  }
  const health = values.health === undefined ? undefined : choiceFlag('health', values.health, HEALTH);
  const client = connect(values);
  if (sub === 'list') {
    const { items, truncated } = await listAll(client, '/v1/subscriptions', {
      query: { subscriberId: values.subscriber, health },
      max: MAX_LISTED,
    });
    if (values.json) printJson(items);
    else console.log(table(['ID', 'SUBSCRIBER', 'HEALTH', 'ENABLED', 'EVENT TYPES', 'URL'], items.map(row)));
    // On stderr, so that --json output stays one document.
    if (truncated) console.error(`(the first ${MAX_LISTED} only: narrow with --subscriber or --health)`);
    return 0;
  }
  const subscriptionId = needId(sub, id);
  if (sub === 'show') {
    const s = await getSubscription(client, subscriptionId);
    if (values.json) printJson(s);
    else console.log(describe(s));
    return 0;
  }
  const enabled = sub === 'enable';
  const s = await client.patch('/v1/subscriptions/{id}', { params: { id: subscriptionId }, body: { enabled } });
  if (values.json) printJson(s);
  else console.log(`${enabled ? 'enabled' : 'disabled'} ${s.id} (${s.url}); health: ${s.health.status}`);
  return 0;
}

export const subscriptionsCommand: Command = {
  name: 'subscriptions',
  summary: 'list, show, enable or disable subscriptions (over the API)',
  help: HELP,
  subcommands: SUBS,
  run,
};
