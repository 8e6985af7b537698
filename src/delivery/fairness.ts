// Per-endpoint fairness (DESIGN.md §4): each subscription's attempts in flight in this process are
// capped, so a slow or dead receiver cannot take every delivery slot from the others.
//
// How it works. The cap adapts as TCP's congestion window does. It starts at `initial`; each fast
// success that found the endpoint at its cap raises it by one (while the receiver keeps up, that
// doubles it every round trip, so one fast endpoint alone reaches the whole concurrency within a
// few hundred responses); a failure (timeout, connection error, 5xx, 429: classify.ts's endpoint
// signal) halves it, down to 1, so a dead endpoint keeps a single attempt in flight. A slow success
// or a neutral answer (another 4xx) leaves it as it is. A subscription's `maxInFlight`, when set,
// bounds it (1: one attempt at a time).
//
// The dispatcher asks `tryStart` before launching an attempt and calls `finish` with its signal;
// claims skip the endpoints `saturated()` names and take at most `claimShare()` of any other.
// State is kept only for endpoints that hold attempts or whose cap fell below `initial`, so memory
// is bounded by the endpoints that are busy or failing.
import type { ClaimShare } from '../store/store.js';
import type { EndpointSignal } from './classify.js';

export interface FairnessOptions {
  /** The cap of an endpoint not seen yet, or back to health. */
  initial: number;
  /** The cap never exceeds this (the dispatcher's concurrency). */
  max: number;
  /** A success that took longer than this (ms) does not raise the cap. */
  fastMs: number;
  /** Called each time an endpoint's cap is halved. */
  onBackoff?: () => void;
}

interface Endpoint {
  inflight: number;
  limit: number;
  /** The subscription's maxInFlight, as its latest job said; null: none. */
  fixed: number | null;
}

const capOf = (e: Endpoint): number => (e.fixed === null ? e.limit : Math.min(e.limit, e.fixed));

export class EndpointLimits {
  private readonly endpoints = new Map<string, Endpoint>();

  constructor(private readonly options: FairnessOptions) {}

  /** Takes a slot for an attempt to `subscriptionId` if it is below its cap and `maxInFlight`. */
  tryStart(subscriptionId: string, maxInFlight: number | null = null): boolean {
    let e = this.endpoints.get(subscriptionId);
    if (e === undefined) {
      e = { inflight: 0, limit: this.options.initial, fixed: maxInFlight };
      this.endpoints.set(subscriptionId, e);
    }
    e.fixed = maxInFlight;
    if (e.inflight >= capOf(e)) return false;
    e.inflight++;
    return true;
  }

  /** Gives back the slot of a finished attempt and adapts the cap to what it said about the endpoint. */
  finish(subscriptionId: string, signal: EndpointSignal, durationMs: number): void {
    const e = this.endpoints.get(subscriptionId);
    if (e === undefined || e.inflight === 0) return;
    const wasFull = e.inflight >= capOf(e);
    e.inflight--;
    if (signal === 'failure') {
      e.limit = Math.max(1, Math.floor(e.limit / 2));
      this.options.onBackoff?.();
    } else if (signal === 'ok' && wasFull && durationMs < this.options.fastMs) e.limit = Math.min(this.options.max, e.limit + 1);
    if (e.inflight === 0 && e.limit >= this.options.initial) this.endpoints.delete(subscriptionId);
  }

  /** Attempts in flight to `subscriptionId`. */
  inFlight(subscriptionId: string): number {
    return this.endpoints.get(subscriptionId)?.inflight ?? 0;
  }

  /** The current cap of `subscriptionId`. */
  limit(subscriptionId: string): number {
    const e = this.endpoints.get(subscriptionId);
    return e === undefined ? this.options.initial : capOf(e);
  }

  /** The attempts in flight of each endpoint that has some, and how many endpoints are at their cap. */
  census(): { inFlight: number[]; saturated: number } {
    const inFlight: number[] = [];
    let saturated = 0;
    for (const e of this.endpoints.values()) {
      if (e.inflight > 0) inFlight.push(e.inflight);
      if (e.inflight >= capOf(e)) saturated++;
    }
    return { inFlight, saturated };
  }

  /** Endpoints at their cap: a claim need not look at their messages. */
  saturated(): string[] {
    const ids: string[] = [];
    for (const [id, e] of this.endpoints) if (e.inflight >= capOf(e)) ids.push(id);
    return ids;
  }

  /** The cap of every endpoint with state (busy, or its cap fallen below `initial`), for claims
   *  that count other processes' leases (ClaimShare.caps). */
  caps(): Record<string, number> {
    const caps: Record<string, number> = {};
    for (const [id, e] of this.endpoints) caps[id] = capOf(e);
    return caps;
  }

  /** The most messages one claim should take of any one endpoint not saturated. */
  claimShare(): number {
    let most = this.options.initial;
    for (const e of this.endpoints.values()) if (capOf(e) - e.inflight > most) most = capOf(e) - e.inflight;
    return most;
  }
}

/**
 * The claim's share-out, decided once for both stores: from `candidates` (due messages, oldest
 * first), the first `limit`, taking at most `perSubscription` of any one subscription. Returns
 * the indexes taken, in order.
 */
export function takeShares(
  subscriptionIds: readonly string[],
  perSubscription: number | ((subscriptionId: string) => number),
  limit: number,
): number[] {
  const taken: number[] = [];
  const counts = new Map<string, number>();
  for (let i = 0; i < subscriptionIds.length && taken.length < limit; i++) {
    const id = subscriptionIds[i] as string;
    const n = counts.get(id) ?? 0;
    if (n >= (typeof perSubscription === 'number' ? perSubscription : perSubscription(id))) continue;
    counts.set(id, n + 1);
    taken.push(i);
  }
  return taken;
}

/**
 * How many more messages of a subscription a claim may take when `leased` of its messages are
 * leased to any process (in flight or waiting in one): its cap, as the claimer has it (or the
 * initial cap, bounded by its `maxInFlight`), less those, and at most the claim's share. Each
 * process adapts its own cap from the answers it sees; counted against every process's leases,
 * the endpoint has at most about one cap's worth of attempts in flight however many workers there
 * are. A batched subscription's attempt carries up to `perAttempt` messages (its batch's maxEvents),
 * and its leased messages include those waiting for their batch: its cap and share count in
 * messages, that many per attempt.
 */
export function roomAcrossProcesses(
  share: ClaimShare,
  subscriptionId: string,
  maxInFlight: number | null,
  leased: number,
  perAttempt = 1,
): number {
  const cap =
    share.caps?.[subscriptionId] ?? Math.min(share.initialCap ?? Number.POSITIVE_INFINITY, maxInFlight ?? Number.POSITIVE_INFINITY);
  return Math.max(0, Math.min(share.perSubscription * perAttempt, cap * perAttempt - leased));
}

/** How many due messages a claim looks at to fill `limit` with shares of `perSubscription`: when
 *  the share binds, a few times the limit, so that older messages of a busy endpoint do not hide
 *  every other endpoint's. */
export function claimScan(limit: number, perSubscription: number): number {
  return perSubscription >= limit ? limit : limit * CLAIM_SCAN_FACTOR;
}

const CLAIM_SCAN_FACTOR = 4; // due messages looked at per message claimed, when shares bind
