// Prefixed, time-sortable ids: `msg_` + 10 chars of millisecond time + 16 chars of
// randomness, both Crockford base32 (a ULID body). Lexical order is creation order to the
// millisecond; within a millisecond, ids made one after another by a process follow each other
// too (the next one is the last one's randomness plus one, as ULID's monotonic mode), so "newest
// first" lists (the audit log) keep the order things happened in.
import { randomFillSync } from 'node:crypto';

export type IdPrefix = 'sbr' | 'sub' | 'evt' | 'msg' | 'att' | 'key' | 'aud' | 'ses' | 'bat'; // bat: a batch request's webhook-id

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

let lastMs = -1;
let lastTime = '';
const lastRand = new Uint8Array(16); // base32 digits of the last id's randomness

export function newId(prefix: IdPrefix, nowMs: number = Date.now()): string {
  if (nowMs === lastMs && increment(lastRand)) return `${prefix}_${lastTime}${digits(lastRand)}`;
  const time = timeDigits(nowMs);
  const bytes = randomBytes16();
  for (let i = 0; i < 16; i++) lastRand[i] = (bytes[i] as number) & 31;
  lastMs = nowMs;
  lastTime = time;
  return `${prefix}_${time}${digits(lastRand)}`;
}

/** The 10 base32 digits of a millisecond time, as ids begin with. */
function timeDigits(ms: number): string {
  let time = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time;
}

/** The bound below which sort exactly the ids of this prefix made before `ms` (`id < idBefore(...)`):
 *  lets a time range be read off the primary key. */
export function idBefore(prefix: IdPrefix, ms: number): string {
  return `${prefix}_${timeDigits(ms)}`;
}

/** Adds one to base32 digits; false when they were all at the maximum (80 bits: never in practice). */
function increment(d: Uint8Array): boolean {
  for (let i = d.length - 1; i >= 0; i--) {
    if ((d[i] as number) < 31) {
      d[i] = (d[i] as number) + 1;
      return true;
    }
    d[i] = 0;
  }
  return false;
}

function digits(d: Uint8Array): string {
  let out = '';
  for (let i = 0; i < d.length; i++) out += ALPHABET[d[i] as number];
  return out;
}

/** Does `id` look like an id of this prefix? Used to answer 404 early for garbage ids. */
export function isId(prefix: IdPrefix, id: string): boolean {
  return id.length === prefix.length + 27 && id.startsWith(`${prefix}_`) && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id.slice(prefix.length + 1));
}
