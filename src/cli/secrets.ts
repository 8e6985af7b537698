// `herald secrets rotate-key [--new-key KEY]`: re-encrypts every subscription credential under a
// new secret key (src/security/). Run it with Herald stopped: a running process keeps the old key
// and could no longer open what it reads.
//
// With a key file (SQLite, no HERALD_SECRET_KEY) the new key is first written to `<key file>.new`,
// every credential is resealed, and only then does the new file replace the old one. Interrupted,
// the command is simply run again: it picks up the `.new` key, and values already resealed open
// with it. With HERALD_SECRET_KEY the command reseals and prints what to set the variable to; run
// again with the same --new-key after an interruption.
import { existsSync, renameSync } from 'node:fs';
import type { HeraldConfig } from '../config/config.js';
import { ConfigError } from '../config/config.js';
import { loadConfiguredSecretKey, readKeyFile, writeKeyFile } from '../security/key-source.js';
import { sealAll } from '../security/sealed-store.js';
import { formatSecretKey, generateSecretKey, parseSecretKey, SecretBox, SecretKeyError, secretKeyId } from '../security/secret-box.js';
import { openStore } from '../store/open.js';

const PENDING_SUFFIX = '.new';

function parseNewKey(text: string): Buffer {
  try {
    return parseSecretKey(text);
  } catch (err) {
    throw new ConfigError(`--new-key: ${(err as Error).message}`);
  }
}

export async function rotateSecretKey(
  config: HeraldConfig,
  options: { newKey: string | null },
  print: (line: string) => void = console.log,
): Promise<void> {
  const loaded = loadConfiguredSecretKey(config);
  if (loaded.source === 'memory') throw new ConfigError('an in-memory database has no stored secrets to re-encrypt');
  const given = options.newKey === null ? null : parseNewKey(options.newKey);
  const pendingPath = loaded.path === null ? null : `${loaded.path}${PENDING_SUFFIX}`;
  let newKey: Buffer;
  let generated = false;
  if (pendingPath !== null && existsSync(pendingPath)) {
    // An earlier rotation was interrupted: finish it with its key.
    newKey = readKeyFile(pendingPath);
    if (given && !given.equals(newKey)) {
      throw new ConfigError(
        `an interrupted rotation to key ${secretKeyId(newKey)} is pending in ${pendingPath}; run again without --new-key to finish it`,
      );
    }
  } else {
    newKey = given ?? generateSecretKey();
    generated = given === null;
    if (newKey.equals(loaded.key)) throw new ConfigError('the new key is the current key');
    if (pendingPath !== null) writeKeyFile(pendingPath, newKey);
  }
  if (generated && pendingPath === null) {
    // Shown before any row changes, so an interruption never loses the only copy.
    print(`new secret key (shown once, store it now): ${formatSecretKey(newKey)}`);
  }

  const store = await openStore(config.databaseUrl, { poolMax: 2 });
  let report: Awaited<ReturnType<typeof sealAll>>;
  try {
    await store.migrate();
    report = await sealAll(store, new SecretBox(newKey, [loaded.key]));
  } catch (err) {
    if (err instanceof SecretKeyError) throw new ConfigError(err.message);
    throw err;
  } finally {
    await store.close();
  }

  const from = secretKeyId(loaded.key);
  const to = secretKeyId(newKey);
  print(`re-encrypted ${report.sealed} of ${report.subscriptions} subscriptions: key ${from} → ${to}`);
  if (pendingPath !== null && loaded.path !== null) {
    renameSync(pendingPath, loaded.path);
    print(`the key file ${loaded.path} now holds key ${to}; back it up, the old key no longer opens anything`);
  } else {
    print(`set HERALD_SECRET_KEY to the new key (${to}) in every Herald process, then start Herald`);
  }
}
