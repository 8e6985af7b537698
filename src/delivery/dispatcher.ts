// The dispatcher: claims due messages from the store, delivers them, and records each attempt with
// the message's new state.
//
// How it works. One loop claims batches of due messages (each claim is a lease: the store pushes
// the message's nextAttemptAt past the attempt deadline, so a crashed process's messages come back
// on their own). Each claimed message becomes an attempt running concurrently, up to
// `concurrency` in flight. Finished attempts go to a Batcher that records many outcomes per
// transaction; an attempt stops counting against `concurrency` as soon as its response is in, so
// the HTTP side keeps going while a batch commits (outcomes waiting for their commit are bounded
// separately, by UNRECORDED_PER_SLOT × concurrency). The loop sleeps when nothing is due, until the earliest due time, a poll interval,
// or a wake-up from the store (new messages committed here or, on PostgreSQL, in another process).
// stop() stops claiming, waits up to a grace period for attempts in flight, and flushes outcomes;
// attempts cut off by the grace period are simply not recorded and their leases expire.
//
// The hand-off (Handoff, src/ingest/group-commit.ts): in a process that also takes events, ingest
// asks reserve() how many of the messages it is about to create this dispatcher will take, writes
// that many already leased, and adopt() queues them when the commit returns; they start as slots
// free up, without a claim query. The queue is bounded (HANDOFF_PER_SLOT × concurrency); beyond
// it, messages are written due and claimed as usual. A queued job whose lease no longer covers its
// attempt's deadline plus half the lease margin is not started, so slow receivers cannot get a
// message sent twice; its lease is given back at once (returnLeases) and the claim loop takes it
// with a fresh one, so delivery never pauses for a lease to run out while there is room. When the
// loop wakes to claim and finds no room, the queue leaves it a quarter batch of slots, so due
// retries and any backlog keep going out while events pour in.
//
// Fairness (fairness.ts): each subscription's attempts in flight are capped, adaptively. A job
// whose endpoint is at its cap waits in that endpoint's own queue (parked) and starts when one of
// the endpoint's attempts finishes, so it never holds up another endpoint's jobs; parked jobs count
// against the hand-off queue's bound, and those whose lease runs out while they wait give it back.
// Claims leave saturated endpoints alone and take a bounded share of any other, so a dead endpoint
// with a deep backlog holds a slot or two, not the whole dispatcher.
//
// Rate limits (rate-limit.ts): a job of a subscription with a rateLimit needs a send from the
// subscription's budget, kept in the store and shared by every process (takeSends), before it may
// start. Without one it waits in its subscription's throttle queue, holding no slot and with no
// attempt counted, and a timer asks the store again when the next send becomes available; sends are
// asked for in batches, as many as the queue holds. Claims leave throttled subscriptions alone, a
// throttle queue holds no more jobs than its budget can send before their leases run out (the rest
// give their lease back at once), and a waiting job whose lease runs out gives it back.
//
// Batches (batcher.ts): a job of a subscription with `batch` settings is not started but handed to
// the BatchAssembler, holding no slot while it waits (its lease covers the wait: subscriptionLeaseMs,
// src/domain/lease.ts). A closed batch comes back as one queue entry (Queued.members) and from then
// on is one job: one send from the rate limit, one slot and one of its endpoint's attempts in
// flight, parked or given back whole; runBatchAttempt makes its one request and gives one outcome
// per member, each recorded as a single message's. Stopping gives the leases of members still
// waiting for their batch back at once.
import type { Logger } from 'pino';
import type { HealthPolicy } from '../domain/health.js';
import { leaseMs, subscriptionLeaseMs } from '../domain/lease.js';
import type { RetrySettings } from '../domain/retry-policy.js';
import type { Handoff } from '../ingest/group-commit.js';
import type {
  DeliveryJob,
  DeliveryOutcome,
  IngestLease,
  QueueStore,
  RateLimitStore,
  ReturnedLease,
  SubscriptionTransition,
} from '../store/store.js';
import { Batcher } from '../util/batcher.js';
import { type DeliveryRun, type PipelineOptions, runAttempt, runBatchAttempt } from './attempt.js';
import { BatchAssembler } from './batcher.js';
import type { EventDescriptions } from './event-descriptions.js';
import { EndpointLimits } from './fairness.js';
import { FormatError, formatRequest } from './formats/index.js';
import { ProbeGate } from './gate.js';
import type { HttpClient } from './http-client.js';
import { batched, JobQueue, leaseCovers, type Queued, returned } from './job-queue.js';
import { intervalOf } from './rate-limit.js';
import type { RelayRoutes } from './relay.js';

export interface DispatcherOptions extends RetrySettings {
  concurrency: number; // attempts in flight
  claimBatch: number; // messages per claim
  leaseMarginMs: number; // lease = attempt deadline + this
  pollIntervalMs: number; // longest sleep when idle
  /** Endpoint health and the circuit breaker (src/domain/health.ts), applied as outcomes are recorded. */
  health: HealthPolicy;
  userAgent?: string;
  /** Herald's public base URL (publicBaseUrl(config)); default http://localhost:8080. */
  publicUrl?: string;
  /** The catalogue's event type descriptions (event-descriptions.ts): templates' event.description. */
  descriptions?: EventDescriptions;
  /** This process's relays (`herald listen --subscription`, relay.ts). */
  relays?: RelayRoutes;
}

export interface DispatcherHooks {
  /** An attempt made, or a job its subscription's breaker held back (a deferred outcome). */
  onAttempt?: (outcome: DeliveryOutcome) => void;
  /** Outcomes committed to the store, after each batch, and the health transitions they made. */
  onRecorded?: (outcomes: DeliveryOutcome[], transitions: SubscriptionTransition[]) => void;
  /** Jobs taken from ingest (the hand-off), as they are queued. */
  onAdopted?: (jobs: DeliveryJob[]) => void;
  /** An endpoint's cap of attempts in flight was halved (fairness.ts). */
  onBackoff?: () => void;
  /** Jobs that had to wait for their subscription's rate limit (counted once each). */
  onThrottled?: (jobs: number) => void;
}

const RECORD_BATCH = 1_000; // outcomes per transaction
const IDLE_RETRY_MS = 1_000; // wait after a failed claim (database down)
const TRICKLE_PAUSE_MS = 5; // wait after a claim that took everything due, before claiming again
const UNRECORDED_PER_SLOT = 2; // outcomes awaiting their commit, per unit of concurrency, before claims pause
const THROTTLED_IDLE_MS = 50; // least sleep when nothing was claimed while throttled subscriptions wait
const HANDOFF_PER_SLOT = 8; // handed-off jobs queued (or promised to ingest) per unit of concurrency
const ENDPOINT_INITIAL_IN_FLIGHT = 16; // an endpoint's cap before it has shown how fast it answers
const ENDPOINT_FAST_MS = 1_000; // a success quicker than this raises its endpoint's cap

/** A rate-limited subscription's jobs waiting for sends from its budget. */
interface Throttle {
  jobs: JobQueue;
  /** Sends granted and not used yet. */
  sends: number;
  /** A takeSends call is under way. */
  taking: boolean;
  /** Asks for sends again when the next one becomes available. */
  timer: NodeJS.Timeout | null;
}

export class Dispatcher implements Handoff {
  private inflight = 0; // attempts waiting for their HTTP response
  private unrecorded = 0; // attempts finished (or in flight) whose outcome is not committed yet
  private reserved = 0; // queue places promised to ingest transactions not committed yet (the hand-off)
  private readonly queue = new JobQueue(); // handed off, not started yet
  private readonly limits: EndpointLimits;
  private readonly parked = new Map<string, JobQueue>(); // by subscription: jobs whose endpoint is at its cap
  private parkedCount = 0;
  private readonly throttles = new Map<string, Throttle>(); // by subscription: jobs waiting for their rate limit
  private throttledCount = 0;
  private loopReserve = 0; // slots the queue leaves to the loop: its claim's size, or a small claim's while it waits for room
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  private wakeRequested = false;
  private readonly recorder: Batcher<DeliveryOutcome, undefined>;
  private unsubscribe: () => void = () => {};
  private drained: (() => void) | null = null;
  private readonly pipeline: PipelineOptions;
  private readonly batches: BatchAssembler; // jobs of batched subscriptions waiting for their batch

  constructor(
    private readonly store: QueueStore & RateLimitStore,
    private readonly client: HttpClient,
    private readonly options: DispatcherOptions,
    private readonly logger: Logger,
    private readonly hooks: DispatcherHooks = {},
  ) {
    this.limits = new EndpointLimits({
      initial: ENDPOINT_INITIAL_IN_FLIGHT,
      max: options.concurrency,
      fastMs: ENDPOINT_FAST_MS,
      onBackoff: hooks.onBackoff,
    });
    this.pipeline = {
      retryInterval: options.retryInterval,
      maxRetries: options.maxRetries,
      userAgent: options.userAgent ?? 'Herald-Webhooks/0.1',
      publicUrl: options.publicUrl ?? 'http://localhost:8080',
      ...(options.descriptions ? { descriptions: options.descriptions } : {}),
      ...(options.relays ? { relays: options.relays } : {}),
      probes: new ProbeGate(store, options.leaseMarginMs),
    };
    this.batches = new BatchAssembler(
      (members) => this.batchClosed(members),
      ({ job }) => {
        // The body as the attempt will format it (its timestamps aside): what the byte limit counts.
        try {
          return Buffer.byteLength(
            formatRequest(job, { now: Date.now(), publicUrl: this.pipeline.publicUrl, describe: this.pipeline.descriptions?.describe })
              .body ?? '',
          );
        } catch (err) {
          if (err instanceof FormatError) return 0; // it fails alone, out of the body
          throw err;
        }
      },
    );
    this.recorder = new Batcher(
      async (outcomes) => {
        const transitions = await this.recordWithRetry(outcomes);
        this.hooks.onRecorded?.(outcomes, transitions);
        // A retry is due: the loop may be asleep until later than it.
        if (outcomes.some((o) => o.nextAttemptAt !== null)) this.poke();
        return outcomes.map(() => undefined);
      },
      RECORD_BATCH,
      store.capabilities.multiProcess ? 2 : 1,
    );
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (!this.store.capabilities.multiProcess) {
      // One process owns an SQLite file: leases left by a previous run belong to nobody now.
      const released = await this.store.releaseLeases(Date.now());
      if (released > 0) this.logger.info({ released }, 'resuming attempts interrupted by the last shutdown');
    }
    this.unsubscribe = this.store.onMessagesCommitted(() => this.poke());
    this.loopDone = this.loop();
  }

  /** Stops claiming, waits up to `graceMs` for attempts in flight, then records what finished. */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe();
    // Handed-off and parked jobs not started are left to their leases.
    this.queue.clear();
    this.parked.clear();
    this.parkedCount = 0;
    for (const t of this.throttles.values()) if (t.timer !== null) clearTimeout(t.timer);
    this.throttles.clear();
    this.throttledCount = 0;
    // Members waiting for their batch may wait up to a minute: their leases are given back now.
    const held = this.batches.drain().flatMap(returned);
    if (held.length > 0) {
      await this.store.returnLeases(held, Date.now()).catch((err) => {
        this.logger.warn(
          { err, messages: held.length },
          'giving back the leases of messages waiting for their batch failed; they will expire',
        );
      });
    }
    this.poke();
    await this.loopDone;
    if (this.inflight > 0) {
      await Promise.race([
        new Promise<void>((resolve) => {
          this.drained = resolve;
        }),
        new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
      ]);
    }
    await this.recorder.flushed();
  }

  get inFlight(): number {
    return this.inflight;
  }

  /** Per-endpoint fairness now: each busy endpoint's attempts in flight, endpoints at their cap, parked jobs. */
  fairness(): { inFlight: number[]; saturated: number; parked: number; throttled: number } {
    return { ...this.limits.census(), parked: this.parkedCount, throttled: this.throttledCount };
  }

  /** Free slots: attempts that may start now without passing either bound. */
  private room(): number {
    const { concurrency } = this.options;
    return Math.min(concurrency - this.inflight, UNRECORDED_PER_SLOT * concurrency - this.unrecorded);
  }

  /** The smallest claim worth a query: claims stay large under load. */
  private get minClaim(): number {
    return Math.min(this.options.claimBatch, this.options.concurrency) / 4;
  }

  reserve(writers: number): IngestLease | undefined {
    if (!this.running) return undefined;
    const size = HANDOFF_PER_SLOT * this.options.concurrency;
    const free = size - this.queue.size - this.parkedCount - this.throttledCount - this.batches.size - this.reserved;
    const limit = Math.min(free, Math.ceil(size / writers)); // concurrent ingest transactions share the queue
    if (limit < 1) return undefined;
    this.reserved += limit;
    return { limit, leaseMarginMs: this.options.leaseMarginMs };
  }

  adopt(jobs: DeliveryJob[], lease: IngestLease): void {
    this.reserved -= lease.limit;
    // Stopping: the jobs are left to their leases, like attempts cut off by the grace period.
    if (!this.running || jobs.length === 0) return;
    this.hooks.onAdopted?.(jobs);
    for (const job of jobs) {
      const leaseEnds = job.eventCreatedAt + subscriptionLeaseMs(job.subscription, lease.leaseMarginMs);
      this.queue.push({ job, leaseEnds });
    }
    this.pump();
  }

  /** Starts queued handed-off jobs while there is room (less what a starved loop needs). */
  private pump(): void {
    if (!this.running) return;
    let room = this.room() - this.loopReserve;
    const now = Date.now();
    const expiring: ReturnedLease[] = [];
    while (room >= 1) {
      const queued = this.queue.shift();
      if (queued === undefined) break;
      if (this.startOrPark(queued, now, expiring)) room--;
    }
    if (expiring.length > 0) this.returnLeases(expiring);
  }

  /**
   * Starts a job that holds its lease, if its endpoint is below its cap; otherwise parks it behind
   * the endpoint's attempts in flight. A job without enough lease left for a whole attempt and half
   * the margin to record it gives its lease back instead, so the claim loop takes the message at
   * once with a fresh one. Returns whether it started.
   */
  private startOrPark(queued: Queued, now: number, expiring: ReturnedLease[]): boolean {
    if (!leaseCovers(queued, now, this.options.leaseMarginMs)) {
      expiring.push(...returned(queued));
      return false;
    }
    const { job } = queued;
    const id = job.subscription.id;
    if (queued.members === undefined && batched(job)) {
      this.batches.add(queued);
      return false;
    }
    if (job.subscription.rateLimit !== null && queued.sent !== true) {
      this.throttle(queued, now, expiring);
      return false;
    }
    if (this.limits.tryStart(id, job.subscription.maxInFlight)) {
      if (queued.members === undefined) this.launch(job);
      else this.launchBatch(queued.members);
      return true;
    }
    let parked = this.parked.get(id);
    if (parked === undefined) {
      parked = new JobQueue();
      this.parked.set(id, parked);
    }
    parked.push(queued);
    this.parkedCount++;
    return false;
  }

  /** An attempt to `subscriptionId` finished: its parked jobs start while the endpoint and the dispatcher have room. */
  private unpark(subscriptionId: string): void {
    const parked = this.parked.get(subscriptionId);
    if (parked === undefined) return;
    const now = Date.now();
    const expiring: ReturnedLease[] = [];
    while (parked.size > 0 && this.room() >= 1 && this.limits.inFlight(subscriptionId) < this.limits.limit(subscriptionId)) {
      this.parkedCount--;
      this.startOrPark(parked.shift() as Queued, now, expiring);
    }
    if (parked.size === 0 && this.parked.get(subscriptionId) === parked) this.parked.delete(subscriptionId);
    if (expiring.length > 0) this.returnLeases(expiring);
  }

  /** Gives back the leases of parked jobs that could no longer make a whole attempt, oldest first:
   *  behind a slow or dead endpoint they would only hold the message and a place in the queue. */
  private sweepParked(now: number): void {
    if (this.parkedCount === 0) return;
    const expiring: ReturnedLease[] = [];
    for (const [id, parked] of this.parked) {
      const gone = parked.shiftExpiring(now, this.options.leaseMarginMs);
      this.parkedCount -= gone.length;
      expiring.push(...gone);
      if (parked.size === 0) this.parked.delete(id);
    }
    if (expiring.length > 0) this.returnLeases(expiring);
  }

  /**
   * Queues a job of a rate-limited subscription to wait for a send from its budget, and asks the
   * store for sends unless a request or a timer is pending. A job beyond what the budget can send
   * before its lease runs out gives its lease back at once, to be claimed again later.
   */
  private throttle(queued: Queued, now: number, expiring: ReturnedLease[]): void {
    const { job, leaseEnds } = queued;
    const id = job.subscription.id;
    let t = this.throttles.get(id);
    if (t === undefined) {
      t = { jobs: new JobQueue(), sends: 0, taking: false, timer: null };
      this.throttles.set(id, t);
    }
    const waiting = t.jobs.size;
    const rule = job.subscription.rateLimit;
    if (rule !== null && waiting > 0) {
      const usable = leaseEnds - leaseMs(job.subscription.timeoutSeconds, this.options.leaseMarginMs / 2) - now;
      if (waiting >= Math.max(1, Math.floor(usable / intervalOf(rule)))) {
        expiring.push(...returned(queued));
        return;
      }
    }
    t.jobs.push(queued);
    this.throttledCount++;
    this.takeSends(id, t);
  }

  /** Asks the store for as many sends as `t`'s jobs need; starts those granted, and sets a timer
   *  for the rest. */
  private takeSends(id: string, t: Throttle): void {
    if (t.taking || t.timer !== null || !this.running) return;
    this.dropExpiring(t, Date.now()); // a send is never spent on a job that could no longer use it
    const first = t.jobs.peek();
    if (first === undefined) {
      this.release(id, t);
      return;
    }
    const rule = first.job.subscription.rateLimit;
    const want = t.jobs.size - t.sends;
    if (rule === null || want <= 0) {
      this.release(id, t);
      return;
    }
    t.taking = true;
    this.store.takeSends(id, rule, want, Date.now()).then(
      ({ granted, nextAt }) => {
        t.taking = false;
        if (this.throttles.get(id) !== t) return; // stopped meanwhile
        t.sends += granted;
        this.release(id, t);
        if (t.jobs.size > 0) {
          let counted = 0;
          for (const q of t.jobs) {
            if (q.throttled !== true) {
              q.throttled = true;
              counted++;
            }
          }
          if (counted > 0) this.hooks.onThrottled?.(counted);
          t.timer = setTimeout(
            () => {
              t.timer = null;
              this.takeSends(id, t);
            },
            Math.max(1, nextAt - Date.now()),
          );
        }
      },
      (err) => {
        t.taking = false;
        if (this.throttles.get(id) !== t) return;
        this.logger.warn({ err, subscriptionId: id }, 'taking sends from a rate limit failed; retrying');
        t.timer = setTimeout(() => {
          t.timer = null;
          this.takeSends(id, t);
        }, IDLE_RETRY_MS);
      },
    );
  }

  /** Gives back the leases of `t`'s first jobs that could no longer make a whole attempt. */
  private dropExpiring(t: Throttle, now: number): void {
    const expiring = t.jobs.shiftExpiring(now, this.options.leaseMarginMs);
    this.throttledCount -= expiring.length;
    if (expiring.length > 0) this.returnLeases(expiring);
  }

  /** Starts `t`'s jobs that have a send (or queues them for a slot); drops `t` once it is empty. */
  private release(id: string, t: Throttle): void {
    const now = Date.now();
    this.dropExpiring(t, now);
    const expiring: ReturnedLease[] = [];
    let queued = false;
    for (let q = t.jobs.peek(); q !== undefined && (t.sends > 0 || q.job.subscription.rateLimit === null); q = t.jobs.peek()) {
      t.jobs.shift();
      this.throttledCount--;
      if (q.job.subscription.rateLimit !== null) t.sends--;
      q.sent = true;
      if (this.room() - this.loopReserve >= 1) this.startOrPark(q, now, expiring);
      else {
        this.queue.push(q);
        queued = true;
      }
    }
    if (t.jobs.size === 0) {
      // Sends not used are dropped: a stale grant must not add to a later burst.
      if (t.timer !== null) clearTimeout(t.timer);
      if (this.throttles.get(id) === t) this.throttles.delete(id);
      this.poke(); // the claim loop may take more of the subscription now
    }
    if (queued) this.pump();
    if (expiring.length > 0) this.returnLeases(expiring);
  }

  /** Gives back the leases of throttled jobs that could no longer make a whole attempt. */
  private sweepThrottled(now: number): void {
    if (this.throttledCount === 0) return;
    for (const [id, t] of this.throttles) {
      this.dropExpiring(t, now);
      if (t.jobs.size === 0 && !t.taking) {
        if (t.timer !== null) clearTimeout(t.timer);
        this.throttles.delete(id);
      }
    }
  }

  /** Gives back the leases of handed-off jobs not started; should that fail, they expire as usual. */
  private returnLeases(leases: ReturnedLease[]): void {
    this.store.returnLeases(leases, Date.now()).then(
      () => this.poke(),
      (err) => this.logger.warn({ err, messages: leases.length }, 'giving back handed-off leases failed; they will expire'),
    );
  }

  /** Wakes the loop now (new messages may be due). */
  poke(): void {
    this.wakeRequested = true;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    if (this.wakeRequested) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = null;
        self.wakeRequested = false;
        resolve();
      }
      this.wake = done;
    });
  }

  private async loop(): Promise<void> {
    const { claimBatch, leaseMarginMs, pollIntervalMs } = this.options;
    while (this.running) {
      this.sweepParked(Date.now());
      this.sweepThrottled(Date.now());
      const room = this.room();
      // Claim only when a worthwhile batch fits, so claims stay large under load. Waiting for
      // room, the loop holds a small claim's worth of it against the hand-off queue.
      if (room < this.minClaim) {
        this.loopReserve = this.minClaim;
        await this.sleep(pollIntervalMs);
        continue;
      }
      const limit = Math.min(room, claimBatch);
      this.loopReserve = limit;
      let jobs: DeliveryJob[];
      const now = Date.now();
      try {
        jobs = await this.store.claimDue(now, limit, leaseMarginMs, {
          skip: this.throttles.size === 0 ? this.limits.saturated() : [...this.limits.saturated(), ...this.throttles.keys()],
          perSubscription: this.limits.claimShare(),
          // Other processes' leases count against a cap only where there are other processes.
          ...(this.store.capabilities.multiProcess ? { caps: this.limits.caps(), initialCap: ENDPOINT_INITIAL_IN_FLIGHT } : {}),
        });
      } catch (err) {
        this.logger.warn({ err }, 'claiming due messages failed; retrying');
        this.loopReserve = 0;
        await this.sleep(IDLE_RETRY_MS);
        continue;
      }
      this.loopReserve = 0;
      const expiring: ReturnedLease[] = [];
      for (const job of jobs)
        this.startOrPark({ job, leaseEnds: now + subscriptionLeaseMs(job.subscription, leaseMarginMs) }, now, expiring);
      if (expiring.length > 0) this.returnLeases(expiring);
      this.pump(); // room the claim did not use
      if (jobs.length === limit) {
        // A full batch: more is probably due. Yield to let responses in, then claim again.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      if (jobs.length > 0) {
        // A partial batch: everything due is claimed. Let a few more messages arrive before the
        // next claim, so a steady trickle is claimed in small batches rather than one query per
        // message (and a query that finds nothing after each).
        await new Promise((resolve) => setTimeout(resolve, TRICKLE_PAUSE_MS));
        continue;
      }
      let wait = pollIntervalMs;
      try {
        const due = await this.store.nextDueAt();
        if (due !== null) wait = Math.max(0, Math.min(wait, due - Date.now()));
        // What is due may be throttled subscriptions' messages, which the claim skips: their
        // queues wake the loop when they empty, so do not spin on them meanwhile.
        if (this.throttles.size > 0) wait = Math.max(wait, THROTTLED_IDLE_MS);
      } catch {
        // the next claim reports the database error
      }
      await this.sleep(wait);
    }
  }

  /** Runs an attempt of `job`, whose endpoint slot (tryStart) it already holds. */
  private launch(job: DeliveryJob): void {
    this.inflight++;
    this.unrecorded++;
    const id = job.subscription.id;
    this.attempt(job)
      .then(
        (outcome) => {
          this.limits.finish(id, outcome.signal, 'attempt' in outcome ? outcome.attempt.durationMs : 0);
          this.settled(id);
          this.hooks.onAttempt?.(outcome);
          return this.recorder.submit(outcome);
        },
        (err) => {
          this.limits.finish(id, 'neutral', 0);
          this.settled(id);
          throw err;
        },
      )
      .catch((err) => this.logger.error({ err, messageId: job.messageId }, 'recording an attempt failed; its lease will expire'))
      .finally(() => {
        this.unrecorded--;
        this.freed();
      });
  }

  /** A batch closed (batcher.ts): it joins the queue as one entry, and starts as room allows. */
  private batchClosed(members: Queued[]): void {
    const first = members[0];
    if (first === undefined) return;
    if (!this.running) {
      this.returnLeases(members.flatMap(returned));
      return;
    }
    const leaseEnds = Math.min(...members.map((m) => m.leaseEnds));
    // A closed batch starts afresh: it has not been through the rate limit as a batch. It may close
    // inside pump() (the member that fills it was being started): pumping again comes after that.
    this.queue.push({ job: first.job, leaseEnds, members });
    queueMicrotask(() => this.pump());
  }

  /** Runs a batch's attempt (runBatchAttempt): one request, one slot and one of its endpoint's
   *  attempts in flight, whose slot (tryStart) it already holds; one outcome per member. */
  private launchBatch(members: Queued[]): void {
    const jobs = members.map((m) => m.job);
    const id = (jobs[0] as DeliveryJob).subscription.id;
    this.inflight++;
    this.unrecorded += jobs.length;
    runBatchAttempt(jobs, this.client, this.pipeline)
      .then(
        (runs) => {
          // The request's signal, once: members the format refused say nothing (neutral).
          const said = runs.find((r) => r.signal !== 'neutral') ?? runs[0];
          this.limits.finish(id, said?.signal ?? 'neutral', said !== undefined && 'attempt' in said ? said.attempt.durationMs : 0);
          this.settled(id);
          for (const run of runs) this.hooks.onAttempt?.(run);
          return Promise.all(runs.map((run) => this.recorder.submit(run)));
        },
        (err) => {
          this.limits.finish(id, 'neutral', 0);
          this.settled(id);
          throw err;
        },
      )
      .catch((err) => this.logger.error({ err, messages: jobs.length }, 'recording a batch attempt failed; its leases will expire'))
      .finally(() => {
        this.unrecorded -= jobs.length;
        this.freed();
      });
  }

  /** An attempt to `subscriptionId` has its response (or gave up): its slot is free, first for the
   *  endpoint's parked jobs, then for the next claim. */
  private settled(subscriptionId: string): void {
    this.inflight--;
    if (this.inflight === 0) this.drained?.();
    if (this.running) this.unpark(subscriptionId);
    this.freed();
  }

  /** Room was freed: start queued handed-off jobs, and wake the loop if it waits for room. */
  private freed(): void {
    this.pump();
    if (this.loopReserve > 0 && this.wake !== null && this.room() >= this.minClaim) this.poke();
  }

  /** Makes one attempt of `job` (the pipeline, attempt.ts) and works out the message's next state. */
  attempt(job: DeliveryJob): Promise<DeliveryRun> {
    return runAttempt(job, this.client, this.pipeline);
  }

  /** Records outcomes; while the database is unreachable, keeps trying until stop() gives up. */
  private async recordWithRetry(outcomes: DeliveryOutcome[]): Promise<SubscriptionTransition[]> {
    for (let tries = 0; ; tries++) {
      try {
        return await this.store.recordAttempts(outcomes, this.options.health);
      } catch (err) {
        // Bounded: after ~1 minute the leases take over and the messages are delivered again.
        if (tries >= 60) throw err;
        this.logger.warn({ err, tries }, 'recording attempts failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, IDLE_RETRY_MS));
      }
    }
  }
}
