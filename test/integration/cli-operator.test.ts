// The operator commands (subscriptions, messages, replay, send, tail) against a real Herald, run as
// a user runs them: `herald ...` child processes with HERALD_URL and HERALD_KEY, deliveries to real
// receivers on 127.0.0.1. Includes the error paths: an unknown id (exit 1, the API's message), no
// key (exit 2), a server that is not there (exit 1).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closedPort, oneLineError, runCli, runMany, startCli } from '../helpers/cli.js';
import { ADMIN_KEY, removeDir, startTestHerald, type TestHerald } from '../helpers/herald.js';
import { TestReceiver } from '../helpers/receiver.js';

interface Ids {
  subscriberId: string;
  okSubscription: string;
  failingSubscription: string;
}

describe('herald operator commands over the API', () => {
  let h: TestHerald;
  let ok: TestReceiver;
  let failing: TestReceiver;
  let ids: Ids;
  let env: Record<string, string>;
  const herald = (...args: string[]) => runCli(args, env);

  /** Waits until the API lists `count` messages of the subscription with the status. */
  async function messagesWith(subscriptionId: string, status: string, count: number) {
    for (let i = 0; i < 200; i++) {
      const page = await h.api<{ data: { id: string }[] }>('GET', `/v1/messages?subscriptionId=${subscriptionId}&status=${status}`);
      if (page.body.data.length >= count) return page.body.data;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${count} ${status} messages of ${subscriptionId}`);
  }

  before(async () => {
    h = await startTestHerald();
    ok = await new TestReceiver().start();
    failing = await new TestReceiver().start();
    failing.always(500);
    env = { HERALD_URL: h.url, HERALD_KEY: ADMIN_KEY };
    assert.equal((await h.api('POST', '/v1/event-types', { name: 'order.created' })).status, 201);
    const sbr = await h.api<{ id: string }>('POST', '/v1/subscribers', { name: 'Acme' });
    const okSub = await h.api<{ id: string }>('POST', `/v1/subscribers/${sbr.body.id}/subscriptions`, {
      url: `${ok.url}/hooks`,
      eventTypes: ['order.created'],
    });
    const other = await h.api<{ id: string }>('POST', '/v1/subscribers', { name: 'Globex' });
    const failingSub = await h.api<{ id: string }>('POST', `/v1/subscribers/${other.body.id}/subscriptions`, {
      url: `${failing.url}/broken`,
      eventTypes: ['order.*'],
      retrySchedule: [], // fails at the first refusal
    });
    ids = { subscriberId: sbr.body.id, okSubscription: okSub.body.id, failingSubscription: failingSub.body.id };
  });
  after(async () => {
    await ok.stop();
    await failing.stop();
    await h.stop();
    removeDir(h.dir);
  });

  it('send: an event from the command line, with an idempotency key; refusals are one line, exit 1', async () => {
    const [sent, first, again, unknown] = await runMany([
      { args: ['send', 'order.created', '--data', '{"id": 1, "total": 99.5}'], env },
      { args: ['send', 'order.created', '--data', '{"id": 2}', '--idempotency-key', 'k-2', '--json'], env },
      { args: ['send', 'order.created', '--data', '{"id": 2}', '--idempotency-key', 'k-2', '--json'], env },
      { args: ['send', 'order.shipped.nowhere', '--data', '{}'], env },
    ]);
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(sent.stdout, /^sent evt_\w+ \(order\.created\): 2 messages$/m);
    const a = JSON.parse(first.stdout) as { id: string; messages: number };
    assert.equal(a.messages, 2);
    assert.equal((JSON.parse(again.stdout) as { id: string }).id, a.id, 'the same key makes no second event');
    assert.equal(unknown.code, 1);
    assert.match(oneLineError(unknown), /^herald: .+ \(unknown_event_type, HTTP 422\)$/);
    await ok.waitFor(2);
    assert.deepEqual(JSON.parse(ok.requests.find((r) => r.body.includes('99.5'))!.body).data, { id: 1, total: 99.5 });
  });

  it('subscriptions list (table, --json, filters), show, disable and enable', async () => {
    const [table, json, bySubscriber, show, showJson, unknown] = await runMany([
      { args: ['subscriptions', 'list'], env },
      { args: ['subscriptions', 'list', '--json'], env },
      { args: ['subscriptions', 'list', '--subscriber', ids.subscriberId, '--json'], env },
      { args: ['subscriptions', 'show', ids.okSubscription], env },
      { args: ['subscriptions', 'show', ids.okSubscription, '--json'], env },
      { args: ['subscriptions', 'show', 'sub_01JAAAAAAAAAAAAAAAAAAAAAAA'], env },
    ]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ID +SUBSCRIBER +HEALTH +ENABLED +EVENT TYPES +URL$/m);
    assert.match(
      table.stdout,
      new RegExp(`^${ids.okSubscription} +${ids.subscriberId} +healthy +yes +order\\.created +${ok.url}/hooks$`, 'm'),
    );
    assert.match(table.stdout, new RegExp(`^${ids.failingSubscription} .* order\\.\\* +${failing.url}/broken$`, 'm'));
    assert.deepEqual(
      (JSON.parse(json.stdout) as { id: string }[]).map((s) => s.id).sort(),
      [ids.okSubscription, ids.failingSubscription].sort(),
    );
    assert.deepEqual(
      (JSON.parse(bySubscriber.stdout) as { id: string }[]).map((s) => s.id),
      [ids.okSubscription],
    );
    assert.match(show.stdout, new RegExp(`^url +POST ${ok.url}/hooks$`, 'm'));
    assert.match(show.stdout, /^health +healthy/m);
    assert.equal((JSON.parse(showJson.stdout) as { id: string }).id, ids.okSubscription);
    assert.equal(unknown.code, 1);
    assert.match(oneLineError(unknown), /\(not_found, HTTP 404\)$/);

    const disabled = await herald('subscriptions', 'disable', ids.okSubscription);
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.match(disabled.stdout, new RegExp(`^disabled ${ids.okSubscription}`));
    assert.equal((await h.api<{ enabled: boolean }>('GET', `/v1/subscriptions/${ids.okSubscription}`)).body.enabled, false);
    const onlyDisabled = await herald('subscriptions', 'list', '--health', 'disabled', '--json');
    assert.deepEqual(
      (JSON.parse(onlyDisabled.stdout) as { id: string }[]).map((s) => s.id),
      [ids.okSubscription],
    );
    const enabled = await herald('subscriptions', 'enable', ids.okSubscription);
    assert.equal(enabled.code, 0, enabled.stderr);
    assert.equal((await h.api<{ enabled: boolean }>('GET', `/v1/subscriptions/${ids.okSubscription}`)).body.enabled, true);
  });

  it('messages list (filters, table, --json), show with attempts, resend', async () => {
    const [failed] = await messagesWith(ids.failingSubscription, 'failed', 1);
    await messagesWith(ids.okSubscription, 'succeeded', 2);
    const [table, json, failedOnly, byType, none, show, showJson] = await runMany([
      { args: ['messages', 'list', '--subscription', ids.okSubscription], env },
      { args: ['messages', 'list', '--json', '--limit', '1', '--subscriber', ids.subscriberId], env },
      { args: ['messages', 'list', '--status', 'failed', '--json'], env },
      { args: ['messages', 'list', '--type', 'order.created', '--since', '1h', '--until', '2999-01-01T00:00:00Z', '--json'], env },
      { args: ['messages', 'list', '--since', '2999-01-01T00:00:00Z', '--json'], env },
      { args: ['messages', 'show', failed!.id], env },
      { args: ['messages', 'show', failed!.id, '--json'], env },
    ]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ID +CREATED +STATUS +ATTEMPTS +LAST +EVENT TYPE +SUBSCRIPTION$/m);
    assert.equal(table.stdout.match(/ succeeded +1 +204 +order\.created /g)?.length, 2, table.stdout);
    const one = JSON.parse(json.stdout) as { subscriberId: string }[];
    assert.equal(one.length, 1);
    assert.equal(one[0]!.subscriberId, ids.subscriberId);
    assert.equal(json.stderr.trim(), '(the newest 1: --limit shows more)');
    const failedList = JSON.parse(failedOnly.stdout) as { id: string; status: string }[];
    assert.ok(failedList.length >= 2 && failedList.every((m) => m.status === 'failed'), failedOnly.stdout);
    assert.equal((JSON.parse(byType.stdout) as unknown[]).length, 4);
    assert.deepEqual(JSON.parse(none.stdout), []);
    assert.match(show.stdout, /^status +failed$/m);
    assert.match(show.stdout, /^ATTEMPT +TIME +TRIGGER +STATUS +DURATION +ERROR$/m);
    assert.match(show.stdout, /^att_\w+ +\S+ \S+ +scheduled +500 +\d+ ms/m);
    const detail = JSON.parse(showJson.stdout) as { message: { id: string }; attempts: { statusCode: number }[] };
    assert.equal(detail.message.id, failed!.id);
    assert.deepEqual(
      detail.attempts.map((a) => a.statusCode),
      [500],
    );

    const before = failing.requests.length;
    const resend = await herald('messages', 'resend', failed!.id);
    assert.equal(resend.code, 0, resend.stderr);
    assert.match(resend.stdout, new RegExp(`^resending ${failed!.id} to ${failing.url}/broken now`));
    await failing.waitFor(before + 1);
    const gone = await herald('messages', 'show', 'msg_01JAAAAAAAAAAAAAAAAAAAAAAA');
    assert.equal(gone.code, 1);
    assert.match(oneLineError(gone), /\(not_found, HTTP 404\)$/);
  });

  it('replay: the failed messages of a subscription since a time are sent again', async () => {
    const failedBefore = await messagesWith(ids.failingSubscription, 'failed', 2);
    const before = failing.requests.length;
    const replay = await herald('replay', '--subscription', ids.failingSubscription, '--since', '1h');
    assert.equal(replay.code, 0, replay.stderr);
    assert.match(
      replay.stdout,
      new RegExp(`^queued ${failedBefore.length} messages of ${ids.failingSubscription} created since \\S+ again`),
    );
    await failing.waitFor(before + failedBefore.length);
    const [json, unknown] = await runMany([
      {
        args: [
          'replay',
          '--subscription',
          ids.failingSubscription,
          '--since',
          '2999-01-01T00:00:00Z',
          '--status',
          'failed,retrying',
          '--json',
        ],
        env,
      },
      { args: ['replay', '--subscription', 'sub_01JAAAAAAAAAAAAAAAAAAAAAAA', '--since', '1h'], env },
    ]);
    assert.deepEqual(JSON.parse(json.stdout), { messages: 0, inFlight: 0 });
    assert.equal(unknown.code, 1);
    assert.match(oneLineError(unknown), /\(not_found, HTTP 404\)$/);
  });

  it('tail: prints attempts as they are made, only the subscription asked for, and stops on SIGINT', async () => {
    const tail = startCli(['tail', '--subscription', ids.okSubscription, '--interval', '200'], env);
    await tail.waitFor(/^TIME +MESSAGE +SUBSCRIPTION +STATUS +DURATION +ERROR$/m);
    const sent = await h.api<{ id: string }>('POST', '/v1/events', { type: 'order.created', data: { tail: true } });
    assert.equal(sent.status, 202);
    const line = await tail.waitFor(
      new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  (msg_\\w+) +${ids.okSubscription}  204 +\\d+ ms$`, 'm'),
    );
    const message = await h.api<{ data: { id: string; eventId: string }[] }>(
      'GET',
      `/v1/messages?subscriptionId=${ids.okSubscription}&limit=1`,
    );
    assert.equal(message.body.data[0]?.eventId, sent.body.id);
    assert.equal(line[1], message.body.data[0]?.id);
    tail.proc.kill('SIGINT');
    const result = await tail.exited;
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!result.stdout.includes(ids.failingSubscription), 'only the subscription asked for');
    assert.equal(result.stdout.match(/^\d{4}-/gm)?.length, 1, result.stdout);

    const json = startCli(['tail', '--json', '--interval', '200'], env);
    // No header in JSON: events are sent until one of their attempts is printed (an attempt begun
    // before the tail started is not). The failing subscription's shows with its status code.
    const pattern = new RegExp(`^\\{.*"subscriptionId":"${ids.failingSubscription}".*\\}$`, 'm');
    for (let i = 0; i < 120 && !pattern.test(json.stdout()); i++) {
      await h.api('POST', '/v1/events', { type: 'order.created', data: { tail: i } });
      await new Promise((r) => setTimeout(r, 500));
    }
    const failedLine = await json.waitFor(pattern, 5_000);
    assert.equal((JSON.parse(failedLine[0]) as { statusCode: number }).statusCode, 500);
    json.proc.kill('SIGINT');
    assert.equal((await json.exited).code, 0);
  });

  it('no key is exit 2, a server that is not there and a refused key are exit 1: one line each', async () => {
    const port = await closedPort();
    const [noKey, noServer, badKey, badUrl] = await runMany([
      { args: ['subscriptions', 'list'], env: { HERALD_URL: h.url } },
      { args: ['messages', 'list', '--server', `http://127.0.0.1:${port}`, '--key', 'k'] },
      { args: ['subscriptions', 'list', '--key', 'not-a-key-of-this-herald'], env: { HERALD_URL: h.url } },
      { args: ['send', 'x', '--data', '{}', '--server', 'ftp://h', '--key', 'k'] },
    ]);
    assert.equal(noKey.code, 2);
    assert.match(oneLineError(noKey), /no API key: pass --key KEY or set HERALD_KEY; see herald subscriptions --help/);
    assert.equal(noServer.code, 1);
    assert.match(oneLineError(noServer), new RegExp(`cannot reach Herald at http://127\\.0\\.0\\.1:${port}: ECONNREFUSED`));
    assert.equal(badKey.code, 1);
    assert.match(oneLineError(badKey), /\(unauthorized, HTTP 401\)$/);
    assert.equal(badUrl.code, 2);
    assert.match(oneLineError(badUrl), /--server must be an http\(s\) URL/);
  });
});
