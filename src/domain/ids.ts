// Prefixed, time-sortable, unguessable ids: `msg_` + 10 chars of millisecond time + 16 chars of
// randomness, both Crockford base32 (a ULID body). Lexical order is creation order to the
// millisecond; within a millisecond ids are random, which is all cursor pagination needs.
import { randomFillSync } from 'node:crypto';

export type IdPrefix = 'sbr' | 'sub' | 'evt' | 'msg' | 'att' | 'key' | 'aud' | 'ses';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const POOL_SIZE = 4096; // bytes of randomness fetched per syscall
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

function randomBytes16(): Buffer {
  if (poolOffset + 16 > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  return out;
}

export function newId(prefix: IdPrefix, nowMs: number = Date.now()): string {
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes16();
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[(bytes[i] as number) & 31];
  return `${prefix}_${time}${rand}`;
}

/** Does `id` look like an id of this prefix? Used to answer 404 early for garbage ids. */
export function isId(prefix: IdPrefix, id: string): boolean {
  return id.length === prefix.length + 27 && id.startsWith(`${prefix}_`) && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id.slice(prefix.length + 1));
}
