// Ids: time-sortable, and within a millisecond in the order they were made (ULID's monotonic mode).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { idBefore, isId, newId } from '../../src/domain/ids.js';

describe('ids', () => {
  test('ids made in the same millisecond sort in the order they were made', () => {
    const at = Date.UTC(2026, 10, 26);
    const ids = Array.from({ length: 1_000 }, (_, i) => newId(i % 2 === 0 ? 'aud' : 'msg', at).slice(4));
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(
      ids.every((id) => id.startsWith(ids[0]!.slice(0, 10))),
      'one time prefix',
    );
  });

  test('a later millisecond sorts after, with fresh randomness', () => {
    const a = newId('evt', 1_000_000);
    const b = newId('evt', 1_000_001);
    assert.ok(a < b);
    assert.ok(isId('evt', a) && isId('evt', b));
    const c = newId('evt', 1_000_001);
    const d = newId('evt', 1_000_002);
    assert.notEqual(c.slice(14, 24), d.slice(14, 24), 'a new millisecond does not continue the count');
  });

  test('idBefore bounds exactly the ids made before a time', () => {
    const at = Date.UTC(2026, 10, 26, 12);
    const bound = idBefore('evt', at);
    for (const ms of [0, 1, at - 1_000, at - 1]) assert.ok(newId('evt', ms) < bound, `made at ${ms}`);
    for (const ms of [at, at + 1, at + 86_400_000]) assert.ok(newId('evt', ms) >= bound, `made at ${ms}`);
  });
});
