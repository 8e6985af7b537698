// Patches known defects of the `postgres` driver, 3.4.9, that crash a process when PostgreSQL
// terminates its connections (a restart, a failover, pg_terminate_backend). Run by `postinstall`;
// idempotent. Each is reported upstream and unfixed in the latest release:
//
// 1. porsager/postgres#1208 (#1154; PRs #1168, #1209). Small writes go out from a setImmediate.
//    When a connection dies inside a transaction, `begin()` writes ROLLBACK after the socket is
//    gone; the deferred `socket.write` on null throws from the immediate, where nothing can catch
//    it. Teardown also cancels the deferred write without forgetting it, so its stale bytes would
//    precede the next connection's start-up message. Patched: a write with no socket rejects the
//    connection's queries with CONNECTION_CLOSED (the store answers 503 store_unavailable), and
//    teardown drops what was buffered for the dead socket.
// 2. porsager/postgres#1192 (#1205, #1223). A new connection first fetches the array types; that
//    promise is dropped, so a connection terminated during the fetch is an unhandled rejection,
//    which ends the process. Patched: the rejection is handled (the next connection fetches again).
//
// test/store/postgres.test.ts and test/integration/scaleout-outage.test.ts fail without it. When
// the driver's code no longer looks as expected, the script says so and exits non-zero rather
// than guess: check whether upstream has fixed it, then drop or update this patch.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MARK = '// herald-patch (scripts/patch-postgres-driver.mjs)';

const EDITS = [
  {
    what: 'nextWrite guards against a closed socket',
    from: '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n',
    to:
      '  function nextWrite(fn) {\n' +
      `    if (!socket) { ${MARK}\n` +
      '      chunk = nextWriteTimer = null\n' +
      "      error(Errors.connection('CONNECTION_CLOSED', options))\n" +
      '      return false\n' +
      '    }\n' +
      '    const x = socket.write(chunk, fn)\n',
    count: 1,
  },
  {
    what: 'teardown forgets the deferred write',
    from: '    clearImmediate(nextWriteTimer)\n',
    to: `    clearImmediate(nextWriteTimer), chunk = nextWriteTimer = null ${MARK}\n`,
    count: 2, // terminate() and closed()
  },
  {
    what: 'a failed array-type fetch is not an unhandled rejection',
    from: '        return fetchArrayTypes()\n',
    // Closed meanwhile: closed() has dealt with the queries and the next connection fetches again.
    to: `        return fetchArrayTypes().catch(e => socket ? errored(e) : undefined) ${MARK}\n`,
    count: 1,
  },
];

const root = fileURLToPath(new URL('../node_modules/postgres/', import.meta.url));
if (!existsSync(root)) {
  console.log('patch-postgres-driver: postgres is not installed; nothing to patch');
  process.exit(0);
}

let failed = false;
for (const variant of ['src', 'cjs/src', 'cf/src']) {
  const file = join(root, variant, 'connection.js');
  if (!existsSync(file)) continue;
  let text = readFileSync(file, 'utf8');
  const before = text;
  for (const edit of EDITS) {
    if (text.split(edit.to).length - 1 === edit.count) continue; // already applied
    const found = text.split(edit.from).length - 1;
    if (found !== edit.count) {
      console.error(`patch-postgres-driver: ${file}: expected ${edit.count} place(s) for "${edit.what}", found ${found}`);
      failed = true;
      continue;
    }
    text = text.split(edit.from).join(edit.to);
  }
  if (!failed && text !== before) writeFileSync(file, text);
}
if (failed) {
  console.error('patch-postgres-driver: the driver changed; see the comment at the top of scripts/patch-postgres-driver.mjs');
  process.exit(1);
}
