// What the Jiwa-compatible API needs at start (seed 001's settings): the event catalogue preset when
// HERALD_EVENT_CATALOGUE names one, and the WebhooksClientKey, an ingest-only API key producers
// (Jiwa's clients) send events with. A configured key is registered (only its hash is stored); when
// none is configured and none was generated before, one is generated and returned to be printed
// once, as Jiwa generates its client key "at service start" when the setting is blank.
import type { HeraldConfig } from '../../config/config.js';
import { hashApiKey, newApiKey } from '../../domain/api-keys.js';
import { importCatalogue } from '../../presets/index.js';
import type { Store } from '../../store/store.js';

export const CLIENT_KEY_NAME = 'WebhooksClientKey';
const MAX_KEY_PAGES = 100; // of 1000 keys, searched for an earlier generated client key

async function hasKeyNamed(store: Store, name: string): Promise<boolean> {
  let cursor: string | null = null;
  for (let i = 0; i < MAX_KEY_PAGES; i++) {
    const page = await store.listApiKeys({ limit: 1_000, cursor });
    if (page.data.some((k) => k.name === name)) return true;
    if (page.nextCursor === null) return false;
    cursor = page.nextCursor;
  }
  return false;
}

/** Prepares the store for the Jiwa API; returns a newly generated client key (to show once) or null. */
export async function prepareJiwa(config: HeraldConfig, store: Store, now: number = Date.now()): Promise<string | null> {
  if (config.eventCatalogue !== 'none') await importCatalogue(store, config.eventCatalogue, now);
  const configured = config.webhooksClientKey;
  if (configured !== null) {
    const hash = hashApiKey(configured);
    if ((await store.findApiKeyByHash(hash)) === null) {
      const { record } = newApiKey({ name: CLIENT_KEY_NAME, scope: 'ingest' }, now);
      await store.createApiKey({ ...record, hash });
    }
    return null;
  }
  if (await hasKeyNamed(store, CLIENT_KEY_NAME)) return null;
  const { key, record } = newApiKey({ name: CLIENT_KEY_NAME, scope: 'ingest' }, now);
  await store.createApiKey(record);
  return key;
}
