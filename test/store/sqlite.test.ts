// The store contract suite on SQLite: the in-process store and the worker-thread store the server
// uses, each test on a fresh database file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { sqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { threadedSqliteStore } from '../../src/store/sqlite/threaded-store.js';
import type { Store } from '../../src/store/store.js';
import { storeContract } from './contract/index.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function fresh(open: (path: string) => Store) {
  return async () => {
    const path = join(dir, `store-${++n}.db`);
    const store = open(path);
    return {
      store,
      cleanup: async () => {
        await store.close();
        for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
      },
    };
  };
}

storeContract(
  'sqlite',
  fresh((path) => sqliteStore({ path })),
);
storeContract(
  'sqlite (worker thread)',
  fresh((path) => threadedSqliteStore({ path })),
);
