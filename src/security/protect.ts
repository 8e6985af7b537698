// Start-up of secrets at rest: find the key (key-source.ts), seal what is still plaintext and check
// that everything stored opens under it (sealed-store.ts sealAll), then hand back the store wrapped
// so credentials are sealed on the way in and opened on the way out. A wrong key stops the process
// here, with a message naming the key ids, before any delivery is signed.
import type { Logger } from 'pino';
import { ConfigError } from '../config/config.js';
import type { Store } from '../store/store.js';
import { discardCreatedKey, loadConfiguredSecretKey } from './key-source.js';
import { sealAll, sealedStore } from './sealed-store.js';
import { SecretBox, SecretKeyError } from './secret-box.js';

export async function protectSecrets(
  config: { secretKey: string | null; databaseUrl: string },
  store: Store,
  logger: Logger,
): Promise<Store> {
  const loaded = loadConfiguredSecretKey(config);
  if (loaded.warning) logger.warn(loaded.warning);
  const box = new SecretBox(loaded.key);
  try {
    const report = await sealAll(store, box);
    if (report.sealed > 0) logger.info({ sealed: report.sealed }, 'sealed plaintext subscription secrets under the secret key');
  } catch (err) {
    discardCreatedKey(loaded); // a key file made a moment ago for a database sealed under another key is of no use
    if (err instanceof SecretKeyError) throw new ConfigError(err.message);
    throw err;
  }
  if (loaded.created) logger.info({ path: loaded.path }, 'created the secret key file; back it up with the database');
  logger.debug({ keyId: box.current.id, source: loaded.source }, 'secret key loaded');
  return sealedStore(store, box, {
    onUnreadable: (job, err) =>
      logger.error(
        { err, messageId: job.messageId, subscriptionId: job.subscription.id },
        'not delivering: the subscription secret does not open with the configured key; the message waits for its lease to expire',
      ),
  });
}
