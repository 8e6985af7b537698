// Secrets at rest (issue 5): subscription signing secrets and custom header values are sealed with
// AES-256-GCM under a key kept outside the database. Checked on the real SQLite file bytes
// (database, -wal and -shm), with the real key file, a wrong key, legacy plaintext rows, and the
// real `herald secrets rotate-key` command, with deliveries verified by the standardwebhooks package.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { ConfigError } from '../../src/config/config.js';
import { newId } from '../../src/domain/ids.js';
import { loadSecretKey } from '../../src/security/key-source.js';
import { formatSecretKey, generateSecretKey, isSealed, parseSecretKey, sealedKeyId, secretKeyId } from '../../src/security/secret-box.js';
import { openStore } from '../../src/store/open.js';
import { subscriptionFixture } from '../helpers/fixtures.js';
import { removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

type Json = Record<string, unknown>;

const ROOT = new URL('../../', import.meta.url).pathname;
const RECEIVER_TOKEN = 'receiver-api-key-5f0c1e9a77'; // a credential Herald holds for the receiver
const CLI_TIMEOUT_MS = 60_000; // tsx start-up on a loaded 2-core machine

let receiver: TestReceiver;
const dirs: string[] = [];

function newDir(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
}

/** The bytes of the SQLite database and its -wal and -shm files, as they are on disk now. */
function databaseBytes(dir: string): Buffer {
  const files = ['herald.db', 'herald.db-wal', 'herald.db-shm'].map((f) => join(dir, f)).filter((f) => existsSync(f));
  assert.ok(files.length > 0, 'the database file exists');
  return Buffer.concat(files.map((f) => readFileSync(f)));
}

function assertAbsent(bytes: Buffer, secrets: string[]): void {
  for (const s of secrets) assert.equal(bytes.includes(s), false, `${s.slice(0, 12)}... must not be in the database files`);
}

async function setUp(h: TestHerald): Promise<{ subscriptionId: string; secret: string }> {
  await h.api('POST', '/v1/event-types', { name: 'invoice.paid', description: 'An invoice was paid' });
  const sbr = await h.api('POST', '/v1/subscribers', { name: 'acme' });
  assert.equal(sbr.status, 201);
  const sub = await h.api('POST', `/v1/subscribers/${sbr.body.id}/subscriptions`, {
    url: `${receiver.url}/hook`,
    eventTypes: ['invoice.paid'],
    headers: { 'x-api-key': RECEIVER_TOKEN },
  });
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  return { subscriptionId: sub.body.id as string, secret: sub.body.secret as string };
}

/** Sends one event and returns the request the receiver got, after its attempt is recorded. */
async function deliverOne(h: TestHerald): Promise<{ body: string; headers: Record<string, string>; messageId: string }> {
  const before = receiver.requests.length;
  const sent = await h.api('POST', '/v1/events', { type: 'invoice.paid', data: { invoice: 'INV-7' } });
  assert.equal(sent.status, 202, JSON.stringify(sent.body));
  await receiver.waitFor(before + 1);
  const messageId = await eventually(async () => {
    const list = await h.api<{ data: Json[] }>('GET', `/v1/messages?limit=10`);
    const m = list.body.data.find((x) => x.eventId === sent.body.id);
    return m && m.status === 'succeeded' ? (m.id as string) : null;
  });
  const req = receiver.requests[before]!;
  return { body: req.body, headers: req.headers as Record<string, string>, messageId };
}

function cli(args: string[], env: Record<string, string | undefined>): { status: number | null; output: string } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: childEnv,
    encoding: 'utf8',
    timeout: CLI_TIMEOUT_MS,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

async function rawSubscriptionSecret(dir: string, id: string): Promise<string> {
  const store = await openStore(`sqlite:${join(dir, 'herald.db')}`);
  try {
    const sub = await store.getSubscription(id);
    assert.ok(sub);
    return sub.secret;
  } finally {
    await store.close();
  }
}

describe('secrets at rest', () => {
  before(async () => {
    receiver = await new TestReceiver().start();
  });
  after(async () => {
    await receiver.stop();
    for (const dir of dirs) removeDir(dir);
  });

  // One database goes through the first start, a wrong key, a missing key file and rotate-key.
  const dir = newDir();
  const keyFile = join(dir, 'herald.db.key');
  let subscriptionId = '';
  let secret = '';

  it('creates a 0600 key file next to the database and keeps the secret and header values out of the database files', async () => {
    const h = await startTestHerald({}, dir);
    try {
      assert.ok(existsSync(keyFile), 'herald.db.key was created');
      assert.equal(statSync(keyFile).mode & 0o777, 0o600);
      const key = parseSecretKey(readFileSync(keyFile, 'utf8'));
      ({ subscriptionId, secret } = await setUp(h));
      const got = await deliverOne(h);
      const verified = new Webhook(secret).verify(got.body, got.headers) as Json;
      assert.deepEqual(verified.data, { invoice: 'INV-7' });
      assert.equal(got.headers['x-api-key'], RECEIVER_TOKEN, 'the receiver gets the header in the clear');

      assert.equal((await h.api('GET', `/v1/subscriptions/${subscriptionId}/secret`)).body.secret, secret);
      const attempts = await h.api<{ data: Json[] }>('GET', `/v1/messages/${got.messageId}/attempts`);
      const recorded = attempts.body.data[0]?.requestHeaders as Record<string, string>;
      assert.equal(recorded['x-api-key'], '[redacted]', 'attempts do not copy header credentials');
      assert.ok(recorded['webhook-signature']?.startsWith('v1,'));

      // While running, with the WAL in use, and again after a clean stop.
      const secrets = [secret, secret.slice('whsec_'.length), RECEIVER_TOKEN, formatSecretKey(key), key.toString('hex')];
      assertAbsent(databaseBytes(dir), secrets);
      assert.ok(databaseBytes(dir).includes(`${receiver.url}/hook`), 'the check reads real data: the URL is there');
      const raw = await rawSubscriptionSecret(dir, subscriptionId);
      assert.ok(isSealed(raw));
      assert.equal(sealedKeyId(raw), secretKeyId(key));
    } finally {
      await h.stop();
    }
    assertAbsent(databaseBytes(dir), [secret, secret.slice('whsec_'.length), RECEIVER_TOKEN]);
  });

  it('refuses to start with a wrong key, or without its key file, and leaves no new key file behind', async () => {
    const other = formatSecretKey(generateSecretKey());
    await assert.rejects(
      startTestHerald({ secretKey: other }, dir),
      (err: unknown) => err instanceof ConfigError && /sealed under key/.test(err.message) && err.message.includes(subscriptionId),
    );
    await assert.rejects(
      startTestHerald({ secretKey: 'not-a-key' }, dir),
      (err: unknown) => err instanceof ConfigError && /HERALD_SECRET_KEY: a secret key must be 32 bytes/.test(err.message),
    );
    renameSync(keyFile, `${keyFile}.away`);
    try {
      await assert.rejects(startTestHerald({}, dir), (err: unknown) => err instanceof ConfigError && /sealed under key/.test(err.message));
      assert.equal(existsSync(keyFile), false, 'the key file created for the failed start was removed');
    } finally {
      renameSync(`${keyFile}.away`, keyFile);
    }
    const h = await startTestHerald({}, dir);
    try {
      const got = await deliverOne(h);
      assert.ok(new Webhook(secret).verify(got.body, got.headers));
    } finally {
      await h.stop();
    }
  });

  it('herald secrets rotate-key re-encrypts under a new key file; deliveries still verify; the old key opens nothing', async () => {
    const oldKey = readFileSync(keyFile, 'utf8').trim();
    const run = cli(['secrets', 'rotate-key', '--db', `sqlite:${join(dir, 'herald.db')}`], { HERALD_SECRET_KEY: undefined });
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /re-encrypted 1 of 1 subscriptions/);
    const newKey = readFileSync(keyFile, 'utf8').trim();
    assert.notEqual(newKey, oldKey);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.equal(existsSync(`${keyFile}.new`), false);
    assert.equal(sealedKeyId(await rawSubscriptionSecret(dir, subscriptionId)), secretKeyId(parseSecretKey(newKey)));

    await assert.rejects(startTestHerald({ secretKey: oldKey }, dir), ConfigError);
    const h = await startTestHerald({}, dir);
    try {
      const got = await deliverOne(h);
      assert.ok(new Webhook(secret).verify(got.body, got.headers), 'the signing secret itself did not change');
      assert.equal(got.headers['x-api-key'], RECEIVER_TOKEN);
    } finally {
      await h.stop();
    }
    assertAbsent(databaseBytes(dir), [secret, RECEIVER_TOKEN, newKey, oldKey]);
  });

  it('with HERALD_SECRET_KEY: no key file, and rotate-key --new-key moves every secret to the new key', async () => {
    const envDir = newDir();
    const k1 = formatSecretKey(generateSecretKey());
    const k2 = generateSecretKey().toString('hex');
    let h = await startTestHerald({ secretKey: k1 }, envDir);
    let sub: { subscriptionId: string; secret: string };
    try {
      assert.equal(existsSync(join(envDir, 'herald.db.key')), false);
      sub = await setUp(h);
    } finally {
      await h.stop();
    }
    const bad = cli(['secrets', 'rotate-key', '--db', `sqlite:${join(envDir, 'herald.db')}`, '--new-key', 'xyz'], {
      HERALD_SECRET_KEY: k1,
    });
    assert.equal(bad.status, 2, bad.output);
    assert.match(bad.output, /--new-key: a secret key must be 32 bytes/);
    const run = cli(['secrets', 'rotate-key', '--db', `sqlite:${join(envDir, 'herald.db')}`, '--new-key', k2], { HERALD_SECRET_KEY: k1 });
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /set HERALD_SECRET_KEY/);
    await assert.rejects(startTestHerald({ secretKey: k1 }, envDir), ConfigError);
    h = await startTestHerald({ secretKey: k2 }, envDir);
    try {
      const got = await deliverOne(h);
      assert.ok(new Webhook(sub.secret).verify(got.body, got.headers));
    } finally {
      await h.stop();
    }
  });

  it("seals the credentials of a subscription's auth (not its names and URLs); rotate-key re-encrypts them and they still open", async () => {
    const authDir = newDir();
    const authKeyFile = join(authDir, 'herald.db.key');
    const creds = {
      jwt: 'auth-jwt-secret-4b1d2c3e',
      password: 'auth-basic-password-9a8b',
      clientSecret: 'auth-client-secret-7c6d',
      value: 'auth-api-key-value-5e4f',
    };
    const auths = [
      { type: 'jwt', secret: creds.jwt },
      { type: 'basic', username: 'plain-user-name', password: creds.password },
      { type: 'oauth2', tokenUrl: `${receiver.url}/plain-token-url`, clientId: 'plain-client-id', clientSecret: creds.clientSecret },
      { type: 'apiKey', header: 'X-Plain-Header-Name', value: creds.value },
    ];
    const ids: string[] = [];
    let h = await startTestHerald({}, authDir);
    let rotatedJwt = '';
    try {
      const sbr = await h.api('POST', '/v1/subscribers', { name: 'auth' });
      assert.equal((await h.api('POST', '/v1/event-types', { name: 'auth.unused' })).status, 201);
      for (const auth of auths) {
        const sub = await h.api('POST', `/v1/subscribers/${sbr.body.id}/subscriptions`, {
          url: `${receiver.url}/auth`,
          eventTypes: ['auth.unused'],
          auth,
        });
        assert.equal(sub.status, 201, JSON.stringify(sub.body));
        ids.push(sub.body.id as string);
      }
      const rotated = await h.api('POST', `/v1/subscriptions/${ids[0]}/jwt-secret/rotate`, {});
      assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
      rotatedJwt = rotated.body.secret as string;
    } finally {
      await h.stop();
    }
    const plaintexts = [...Object.values(creds), rotatedJwt];
    assertAbsent(databaseBytes(authDir), plaintexts);
    const bytes = databaseBytes(authDir);
    for (const name of ['plain-user-name', 'plain-token-url', 'plain-client-id', 'X-Plain-Header-Name']) {
      assert.ok(bytes.includes(name), `${name} is not a credential: it stays readable`);
    }
    /** The auth credentials as stored (sealed), by subscription. */
    const rawCredentials = async (): Promise<string[]> => {
      const store = await openStore(`sqlite:${join(authDir, 'herald.db')}`);
      try {
        const values: string[] = [];
        for (const id of ids) {
          const auth = (await store.getSubscription(id))?.auth as Record<string, unknown> | null;
          assert.ok(auth);
          for (const field of ['secret', 'previousSecret', 'password', 'clientSecret', 'value']) {
            if (typeof auth[field] === 'string') values.push(auth[field] as string);
          }
        }
        return values;
      } finally {
        await store.close();
      }
    };
    const before = await rawCredentials();
    assert.equal(before.length, 5, 'four credentials and the previous JWT secret');
    const oldKeyId = secretKeyId(parseSecretKey(readFileSync(authKeyFile, 'utf8')));
    for (const v of before) assert.equal(sealedKeyId(v), oldKeyId);

    const run = cli(['secrets', 'rotate-key', '--db', `sqlite:${join(authDir, 'herald.db')}`], { HERALD_SECRET_KEY: undefined });
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /re-encrypted 4 of 4 subscriptions/);
    const newKeyId = secretKeyId(parseSecretKey(readFileSync(authKeyFile, 'utf8')));
    assert.notEqual(newKeyId, oldKeyId);
    for (const v of await rawCredentials()) assert.equal(sealedKeyId(v), newKeyId, 'resealed under the new key');
    assertAbsent(databaseBytes(authDir), plaintexts);

    h = await startTestHerald({}, authDir);
    try {
      assert.equal((await h.api('GET', `/v1/subscriptions/${ids[0]}/jwt-secret`)).body.secret, rotatedJwt);
      // What a delivery reads: the subscription as the store opens it for a claim.
      const opened = await Promise.all(ids.map((id) => h.herald.store.getSubscription(id)));
      assert.deepEqual(
        opened.map((s) => s?.auth),
        [
          {
            ...auths[0],
            secret: rotatedJwt,
            previousSecret: creds.jwt,
            previousSecretExpiresAt: opened[0]?.auth?.type === 'jwt' ? opened[0].auth.previousSecretExpiresAt : null,
          },
          auths[1],
          { ...auths[2], scope: null, audience: null },
          auths[3],
        ],
      );
    } finally {
      await h.stop();
    }
  });

  it('seals plaintext secrets stored before encryption existed, and they keep signing', async () => {
    const legacyDir = newDir();
    const store = await openStore(`sqlite:${join(legacyDir, 'herald.db')}`);
    const plainSecret = 'whsec_bGVnYWN5IHNlY3JldCBmcm9tIGJlZm9yZSAwMDAz';
    const subId = newId('sub');
    try {
      await store.migrate();
      const now = Date.now();
      await store.createEventType({
        name: 'invoice.paid',
        description: 'paid',
        schema: null,
        example: null,
        createdAt: now,
        updatedAt: now,
      });
      const sbr = await store.createSubscriber({
        id: newId('sbr'),
        name: 'old',
        enabled: true,
        metadata: null,
        createdAt: now,
        updatedAt: now,
      });
      await store.createSubscription(
        subscriptionFixture({
          id: subId,
          subscriberId: sbr.id,
          url: `${receiver.url}/legacy`,
          eventTypes: ['invoice.paid'],
          headers: { authorization: `Bearer ${RECEIVER_TOKEN}` },
          timeoutSeconds: 5,
          secret: plainSecret,
          createdAt: now,
        }),
      );
    } finally {
      await store.close();
    }
    assert.equal(await rawSubscriptionSecret(legacyDir, subId), plainSecret, 'stored in the clear, as before 0003');

    const h = await startTestHerald({}, legacyDir);
    try {
      const raw = await rawSubscriptionSecret(legacyDir, subId);
      assert.ok(isSealed(raw), 'sealed at start');
      const got = await deliverOne(h);
      assert.ok(new Webhook(plainSecret).verify(got.body, got.headers));
      assert.equal(got.headers.authorization, `Bearer ${RECEIVER_TOKEN}`);
      assert.equal((await h.api('GET', `/v1/subscriptions/${subId}/secret`)).body.secret, plainSecret);
    } finally {
      await h.stop();
    }
  });

  it('PostgreSQL without HERALD_SECRET_KEY refuses to start with a clear message', () => {
    assert.throws(
      () => loadSecretKey({ secretKey: null, databaseUrl: 'postgres://herald@127.0.0.1/herald' }),
      /HERALD_SECRET_KEY is required with PostgreSQL/,
    );
    assert.equal(loadSecretKey({ secretKey: null, databaseUrl: 'sqlite::memory:' }).source, 'memory');
  });
});
