// `herald send TYPE --data JSON`: sends an event (POST /v1/events), for trying a subscription out
// or sending one by hand.
import { readFileSync } from 'node:fs';
import { type Command, parseFlags, UsageError } from './command.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connect, printJson } from './remote.js';

const HELP = `usage: herald send EVENT_TYPE --data JSON [--subscriber SBR_ID] [--idempotency-key KEY] [--json]

Sends an event; it fans out to the subscriptions of its type (and, with --subscriber, of that
subscriber only). Prints the event id and how many messages it made.

  --data JSON              the event's data: JSON text, or @FILE to read it from a file (required)
  --subscriber SBR_ID      for this subscriber's subscriptions only
  --idempotency-key KEY    the same key again within the window makes no second event
  --channel NAME           a channel (repeatable); subscriptions with channels get only theirs
  --json                   the API's answer

example:
  herald send order.created --data '{"id": 42, "total": 99.5}'

${CONNECTION_HELP}`;

function parseData(text: string): unknown {
  let source = text;
  if (text.startsWith('@')) {
    try {
      source = readFileSync(text.slice(1), 'utf8');
    } catch (err) {
      throw new UsageError(`--data ${text}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  try {
    return JSON.parse(source);
  } catch (err) {
    throw new UsageError(`--data is not JSON: ${(err as Error).message}`);
  }
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    {
      ...CONNECTION_OPTIONS,
      data: { type: 'string' },
      subscriber: { type: 'string' },
      'idempotency-key': { type: 'string' },
      channel: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
    1,
  );
  const [type] = positionals;
  if (!type) throw new UsageError('send needs the event type: herald send order.created --data \'{"id": 1}\'');
  if (values.data === undefined) throw new UsageError('--data JSON is required (e.g. --data \'{"id": 1}\')');
  const data = parseData(values.data);
  const client = connect(values);
  const event = await client.post('/v1/events', {
    body: {
      type,
      data,
      ...(values.subscriber ? { subscriberId: values.subscriber } : {}),
      ...(values['idempotency-key'] ? { idempotencyKey: values['idempotency-key'] } : {}),
      ...(values.channel ? { channels: values.channel } : {}),
    },
  });
  if (values.json) printJson(event);
  else console.log(`sent ${event.id} (${event.type}): ${event.messages} message${event.messages === 1 ? '' : 's'}`);
  return 0;
}

export const sendCommand: Command = { name: 'send', summary: 'send an event (over the API)', help: HELP, run };
