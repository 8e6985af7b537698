// The store contract's subscription, attempt and queue parts through the sealed store
// (src/security/sealed-store.ts) over SQLite, as the server runs them: sealing credentials on the way
// in and opening them on the way out must change nothing a caller sees, every argument included.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe } from 'node:test';
import { sealedStore } from '../../src/security/sealed-store.js';
import { generateSecretKey, SecretBox } from '../../src/security/secret-box.js';
import { sqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { attemptContract } from './contract/attempts.js';
import { contractContext } from './contract/context.js';
import { queueContract } from './contract/queue.js';
import { subscriptionContract } from './contract/subscriptions.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-sealed-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const box = new SecretBox(generateSecretKey());
let n = 0;

describe('store contract: sqlite, sealed', () => {
  const ctx = contractContext(async () => {
    const path = join(dir, `store-${++n}.db`);
    const raw = sqliteStore({ path });
    return {
      store: sealedStore(raw, box),
      cleanup: async () => {
        await raw.close();
        for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
      },
    };
  });
  subscriptionContract(ctx);
  attemptContract(ctx);
  queueContract(ctx);
});
