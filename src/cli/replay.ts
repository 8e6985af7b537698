// `herald replay`: sends again the failed (and, on request, retrying) messages of a subscription
// created since a time (POST /v1/subscriptions/{id}/recover), after the receiver is fixed.
import { type Command, choiceFlag, parseFlags, timeFlag, UsageError } from './command.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connect, printJson } from './remote.js';

const REPLAYABLE = ['failed', 'retrying'] as const;

const HELP = `usage: herald replay --subscription SUB_ID --since TIME [--status failed[,retrying]] [--json]

Sends again, now, the messages of the subscription created since TIME that failed (and, with
--status failed,retrying, those still retrying), each with a fresh retry budget. A message whose
attempt is under way is left to that attempt and counted as in flight.

  --subscription SUB_ID   the subscription (required)
  --since TIME            ISO 8601 (2026-01-31T12:00:00Z) or a duration ago (30m, 2h, 7d) (required)
  --status LIST           failed (default), retrying, or failed,retrying
  --json                  the API's answer {"messages": N, "inFlight": N}

example:
  herald replay --subscription sub_01J... --since 2h

${CONNECTION_HELP}`;

async function run(args: string[]): Promise<number> {
  const { values } = parseFlags(
    args,
    {
      ...CONNECTION_OPTIONS,
      subscription: { type: 'string' },
      since: { type: 'string' },
      status: { type: 'string' },
      json: { type: 'boolean' },
    },
    0,
  );
  if (!values.subscription) throw new UsageError('--subscription SUB_ID is required');
  if (!values.since) throw new UsageError('--since TIME is required (e.g. --since 2h, or an ISO 8601 time)');
  const since = timeFlag('since', values.since);
  const status =
    values.status === undefined ? undefined : [...new Set(values.status.split(',').map((s) => choiceFlag('status', s.trim(), REPLAYABLE)))];
  const client = connect(values);
  const result = await client.post('/v1/subscriptions/{id}/recover', {
    params: { id: values.subscription },
    body: { since, ...(status ? { status } : {}) },
  });
  if (values.json) printJson(result);
  else {
    const inFlight = result.inFlight > 0 ? `; ${result.inFlight} had an attempt under way and were left to it` : '';
    console.log(
      `queued ${result.messages} message${result.messages === 1 ? '' : 's'} of ${values.subscription} created since ${since} again${inFlight}`,
    );
  }
  return 0;
}

export const replayCommand: Command = {
  name: 'replay',
  summary: "send a subscription's failed messages again (over the API)",
  help: HELP,
  run,
};
