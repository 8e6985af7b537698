// The store as the rest of Herald sees it: a wrapper that seals credentials on their way into the
// database and opens them on their way out, so the store implementations keep treating them as
// opaque strings and every caller (API, Jiwa routes, CLI, dispatcher) gets the same protection
// without having to remember it. Sealed fields are a table, SEALED_FIELDS; custom header values
// are sealed too, since they are how receivers' API keys and Authorization headers are held, and so
// are the credential fields of a subscription's auth (the glossary's AUTH_CREDENTIAL_FIELDS: a JWT
// secret, a password, a client secret, an API key value), while its other fields (a username, a
// token URL, a header name) stay plain.
//
// Every other Store method, including ones added later, passes through untouched.
//
// sealAll() is the start-up pass (and the work of `herald secrets rotate-key`): it brings every
// stored credential under the box's current key — sealing plaintext rows written before
// encryption existed — and refuses with a clear SecretKeyError when a value is sealed under a key
// the box does not hold, rather than letting deliveries go out with garbage signatures.
import { AUTH_CREDENTIAL_FIELDS, type Subscription, type SubscriptionAuth } from '../domain/glossary.js';
import type { ClaimShare, DeliveryJob, Store, SubscriptionPatch } from '../store/store.js';
import { type SecretBox, SecretKeyError, sealedKeyId } from './secret-box.js';

/** Subscription fields that hold a credential (strings or null). */
const SEALED_FIELDS = ['secret', 'previousSecret'] as const satisfies readonly (keyof Subscription)[];

type Sealable = Partial<Record<(typeof SEALED_FIELDS)[number], string | null>> & {
  headers?: Record<string, string>;
  auth?: SubscriptionAuth | null;
};

/** The credential fields of an auth, by name (null fields, like no previous JWT secret, skipped). */
function authCredentials(auth: SubscriptionAuth): [string, string][] {
  const fields: readonly string[] = AUTH_CREDENTIAL_FIELDS[auth.type];
  const values: [string, string][] = [];
  for (const field of fields) {
    const value = (auth as unknown as Record<string, unknown>)[field];
    if (typeof value === 'string') values.push([field, value]);
  }
  return values;
}

function mapCredentials<T extends Sealable>(record: T, fn: (value: string) => string): T {
  const out: T = { ...record };
  for (const field of SEALED_FIELDS) {
    const value = out[field];
    if (typeof value === 'string') out[field] = fn(value);
  }
  if (out.headers) out.headers = Object.fromEntries(Object.entries(out.headers).map(([name, value]) => [name, fn(value)]));
  if (out.auth) {
    const auth = out.auth;
    out.auth = { ...auth, ...Object.fromEntries(authCredentials(auth).map(([field, value]) => [field, fn(value)])) };
  }
  return out;
}

/** Every credential value of a record, for checks. */
function credentials(record: Sealable): string[] {
  const values: string[] = [];
  for (const field of SEALED_FIELDS) {
    const value = record[field];
    if (typeof value === 'string') values.push(value);
  }
  if (record.auth) values.push(...authCredentials(record.auth).map(([, value]) => value));
  return values.concat(Object.values(record.headers ?? {}));
}

export interface SealedStoreOptions {
  /** A claimed (or leased at ingest) message whose credentials do not open: it is left to its
   *  lease (not delivered unsigned), and this is told why. */
  onUnreadable?: (job: DeliveryJob, error: Error) => void;
}

/** `store` with subscription credentials sealed at rest. */
export function sealedStore(store: Store, box: SecretBox, options: SealedStoreOptions = {}): Store {
  const seal = <T extends Sealable>(r: T): T => mapCredentials(r, (v) => box.seal(v));
  const open = <T extends Sealable>(r: T): T => mapCredentials(r, (v) => box.open(v));
  const openOrNull = <T extends Sealable>(r: T | null): T | null => (r === null ? null : open(r));
  // Jobs of one subscription share its object: each is opened once per call, not once per job.
  const openJobs = (jobs: DeliveryJob[]): DeliveryJob[] => {
    const opened: DeliveryJob[] = [];
    const subscriptions = new Map<Subscription, Subscription | Error>();
    for (const job of jobs) {
      let subscription = subscriptions.get(job.subscription);
      if (subscription === undefined) {
        try {
          subscription = open(job.subscription);
        } catch (err) {
          subscription = err as Error;
        }
        subscriptions.set(job.subscription, subscription);
      }
      if (subscription instanceof Error) options.onUnreadable?.(job, subscription);
      else opened.push({ ...job, subscription });
    }
    return opened;
  };

  const overrides: Partial<Store> = {
    async createSubscription(s: Subscription) {
      return open(await store.createSubscription(seal(s)));
    },
    async getSubscription(id: string) {
      return openOrNull(await store.getSubscription(id));
    },
    async listSubscriptions(query) {
      const page = await store.listSubscriptions(query);
      return { data: page.data.map(open), nextCursor: page.nextCursor };
    },
    async updateSubscription(id: string, patch: SubscriptionPatch, now: number) {
      return openOrNull(await store.updateSubscription(id, seal(patch), now));
    },
    async claimDue(now: number, limit: number, leaseMarginMs: number, share?: ClaimShare) {
      return openJobs(await store.claimDue(now, limit, leaseMarginMs, share)); // the share too: fairness.ts's caps
    },
    async ingest(requests, lease) {
      const results = await store.ingest(requests, lease);
      for (const r of results) if (r.status === 'created' && r.leased) r.leased = openJobs(r.leased);
      return results;
    },
  };

  const bound = new Map<PropertyKey, unknown>(); // methods bound once, not on every call
  return new Proxy(store, {
    get(target, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof Store];
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      let method = bound.get(property);
      if (method === undefined) {
        method = value.bind(target);
        bound.set(property, method);
      }
      return method;
    },
  });
}

export interface SealReport {
  subscriptions: number;
  /** Subscriptions rewritten: plaintext sealed, or resealed under the current key. */
  sealed: number;
}

const SCAN_PAGE = 500; // subscriptions per page of the scan

/**
 * Brings every subscription credential in `store` (the raw store, not the sealed one) under the
 * box's current key, opening values sealed under any key the box holds. Throws SecretKeyError,
 * naming the subscription and key, when a value cannot be opened. updatedAt is left as it was.
 */
export async function sealAll(store: Store, box: SecretBox): Promise<SealReport> {
  const report: SealReport = { subscriptions: 0, sealed: 0 };
  let cursor: string | null = null;
  do {
    const page = await store.listSubscriptions({ limit: SCAN_PAGE, cursor });
    for (const s of page.data) {
      report.subscriptions++;
      const values = credentials(s);
      for (const value of values) {
        try {
          box.open(value);
        } catch (err) {
          const keyId = sealedKeyId(value);
          throw new SecretKeyError(
            `subscription ${s.id} has a secret sealed under key ${keyId}, but the configured key is ${box.current.id}` +
              ` (${(err as Error).message}). Start Herald with the key that sealed it (HERALD_SECRET_KEY or the key file next to the database).`,
          );
        }
      }
      if (!values.some((v) => box.needsSealing(v))) continue;
      const patch: SubscriptionPatch = mapCredentials(
        { secret: s.secret, previousSecret: s.previousSecret, headers: s.headers, auth: s.auth },
        (v) => (box.needsSealing(v) ? box.seal(box.open(v)) : v),
      );
      await store.updateSubscription(s.id, patch, s.updatedAt);
      report.sealed++;
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  return report;
}
