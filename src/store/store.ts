// The storage contract, made of one part per resource. Two implementations (sqlite/, postgres/)
// satisfy it and one contract suite (test/store/contract/) checks both. Nothing outside src/store/ imports a database driver, and
// nothing here exposes a connection or a transaction: each method is one unit of work.
//
// Conventions: times are epoch milliseconds; lists are newest first (descending id) and paginate
// with `cursor` = the last id of the previous page; `get*` returns null for an unknown id;
// `update*` returns null for an unknown id; `delete*` returns false for an unknown id.
// Methods throw HeraldError('store_unavailable') when the database cannot be reached.

import type { SchemaViolation } from '../domain/event-schemas.js';
import type { EventTypeDraft } from '../domain/event-types.js';
import type {
  ApiKey,
  ApiKeyScope,
  Attempt,
  AttemptTrigger,
  AuditEntry,
  BreakerState,
  EventType,
  HealthStatus,
  HeraldEvent,
  Message,
  MessageStatus,
  RateLimit,
  Subscriber,
  Subscription,
} from '../domain/glossary.js';
import type { HealthPolicy, HealthSignal, HealthTransition, ProbeVerdict } from '../domain/health.js';
import type { RecoverableStatus } from '../domain/recovery.js';
import type { SeriesWindow } from '../domain/stats.js';
import type { FilterFailure } from '../fanout/subscription-filter.js';

export interface PageQuery {
  limit: number; // 1..1000
  cursor?: string | null;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface EventFilter extends PageQuery {
  type?: string;
  subscriberId?: string;
  since?: number;
  until?: number;
}

export interface MessageFilter extends PageQuery {
  subscriberId?: string;
  subscriptionId?: string;
  eventId?: string;
  eventType?: string;
  status?: MessageStatus;
  since?: number; // createdAt >= since
  until?: number; // createdAt < until
}

export interface AttemptFilter extends PageQuery {
  messageId?: string;
  subscriberId?: string;
  subscriptionId?: string;
  eventType?: string;
  /** Status of the attempt's message. */
  status?: MessageStatus;
  statusCode?: number;
  since?: number;
  until?: number;
}

/** One key of an offset-paged query's order; ties are always broken by id ascending. */
export interface SortKey<F extends string> {
  field: F;
  desc: boolean;
}

/** What queryMessages can order by. `seq` is the message's insertion number (see queryMessages). */
export const MESSAGE_SORT_FIELDS = [
  'id',
  'seq',
  'createdAt',
  'updatedAt',
  'status',
  'retries',
  'attempts',
  'eventType',
  'subscriptionId',
  'url',
  'lastStatusCode',
] as const;
export type MessageSortField = (typeof MESSAGE_SORT_FIELDS)[number];

/** Offset-paged messages with equality filters, any order and the total that matches (AutoQuery-style lists). */
export interface MessageQuery {
  ids?: string[]; // at most 1000
  subscriberId?: string;
  subscriptionId?: string;
  eventType?: string;
  status?: MessageStatus;
  retries?: number;
  lastStatusCode?: number;
  url?: string;
  orderBy: SortKey<MessageSortField>[];
  offset: number;
  limit: number; // 0..1000
}

/** A message with its insertion number: a positive integer, unique per message, growing with insertion. */
export interface SequencedMessage extends Message {
  seq: number;
}

/** What queryAttempts can order by; `message*` fields are those of the attempt's message. */
export const ATTEMPT_SORT_FIELDS = [
  'id',
  'createdAt',
  'statusCode',
  'durationMs',
  'attemptNumber',
  'messageId',
  'subscriptionId',
  'eventType',
  'messageStatus',
  'messageRetries',
  'messageCreatedAt',
] as const;
export type AttemptSortField = (typeof ATTEMPT_SORT_FIELDS)[number];

/** Offset-paged attempts with equality filters, any order and the total that matches. */
export interface AttemptQuery {
  id?: string;
  messageId?: string;
  subscriberId?: string;
  subscriptionId?: string;
  eventType?: string;
  statusCode?: number;
  messageStatus?: MessageStatus;
  messageRetries?: number;
  orderBy: SortKey<AttemptSortField>[];
  offset: number;
  limit: number; // 0..1000
}

/** An attempt with its number within its message: 1 for the first attempt made. */
export interface NumberedAttempt extends Attempt {
  attemptNumber: number;
}

export interface CountedPage<T> {
  data: T[];
  /** How many match the filters, whatever offset and limit. */
  total: number;
}

/** Audit log filters; every one optional. since/until compare createdAt (since <= t < until). */
export interface AuditFilter extends PageQuery {
  actor?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  since?: number;
  until?: number;
}

export type EventTypePatch = Partial<Pick<EventType, 'description' | 'schema' | 'example'>>;

/** What syncEventTypes did, by name, in the order given. */
export interface EventTypeSync {
  created: string[];
  updated: string[];
  unchanged: number;
}
export type SubscriberPatch = Partial<Pick<Subscriber, 'name' | 'enabled' | 'metadata'>>;
export type SubscriptionPatch = Partial<
  Pick<
    Subscription,
    | 'name'
    | 'description'
    | 'url'
    | 'method'
    | 'eventTypes'
    | 'channels'
    | 'headers'
    | 'payloadFormat'
    | 'retrySchedule'
    | 'timeoutSeconds'
    | 'maxInFlight'
    | 'rateLimit'
    | 'batch'
    | 'filter'
    | 'template'
    | 'templatePreset'
    | 'auth'
    | 'signing'
    | 'customData'
    | 'enabled'
    | 'secret'
    | 'previousSecret'
    | 'previousSecretExpiresAt'
    | 'health'
  >
>;

/** Which messages of a subscription recoverMessages sends again. */
export interface RecoverQuery {
  /** Messages created at or after this. */
  since: number;
  /** At least one. */
  statuses: readonly RecoverableStatus[];
}

export interface RecoverResult {
  /** Messages queued again. */
  recovered: number;
  /** Messages that matched but had an attempt in flight, left to it. */
  inFlight: number;
}

/** What subscriptionStats reads: its counters' window, the time, and its series' buckets. */
export interface SubscriptionStatsQuery {
  /** Counters (messages, events, attempts and the window's last success and failure) cover createdAt >= since. */
  since: number;
  /** Tells a message in flight (lease not expired) from one waiting for its next attempt. */
  now: number;
  series: SeriesWindow;
}

/** listSubscriptions' filters. */
export interface SubscriptionFilter extends PageQuery {
  subscriberId?: string;
  health?: HealthStatus;
}

/** One event to ingest. The caller has validated it and given it its id. */
export interface IngestRequest {
  event: HeraldEvent;
  /** Digest of the request body, compared when the idempotency key was seen before. */
  requestHash: string | null;
}

/** How a session was opened: Jiwa's /auth or POST /v1/sessions with the operator credentials, an
 *  API key (the session has its scope and ends with it), or a subscriber portal link. */
export type SessionKind = 'operator' | 'api-key' | 'portal';

/** A session (src/api/sessions.ts), known by the hash of its token. */
export interface StoredSession {
  tokenHash: string;
  /** Who the audit log names: `ses_...`. */
  id: string;
  /** The operator's user name, the key's name, or the portal's subscriber name: for display only. */
  userName: string;
  createdAt: number;
  lastSeenAt: number;
  kind: SessionKind;
  scope: ApiKeyScope;
  /** The only subscriber a `subscriber`-scope session sees; null otherwise. */
  subscriberId: string | null;
  /** The stored API key an `api-key` session was opened with (null: the configured admin key). */
  keyId: string | null;
}

/** A subscriber portal link (POST /v1/subscribers/{id}/portal), known by the hash of its token. */
export interface PortalLink {
  tokenHash: string;
  subscriberId: string;
  createdAt: number;
  expiresAt: number;
  /** When it was exchanged for a session; null while unused. */
  usedAt: number | null;
}

/** A lease its holder gives back (returnLeases): the message and when the lease would end. */
export interface ReturnedLease {
  messageId: string;
  leaseEnds: number;
}

/** What one retention batch deleted (purgeSettledEvents). */
export interface PurgeResult {
  events: number;
  messages: number;
}

/**
 * Asks ingest to lease some of the messages it creates to the caller, a process that delivers:
 * they are written already claimed (as claimDue leaves them) and come back as jobs, so they go
 * out without waiting for a claim. A message beyond `limit` is written due, for any claimer.
 */
export interface IngestLease {
  /** Most messages to lease, over the whole call. */
  limit: number;
  /** The lease ends at the event's createdAt + the subscription's timeout + this (as claimDue). */
  leaseMarginMs: number;
}

export type IngestResult =
  | {
      status: 'created';
      event: HeraldEvent;
      messages: number;
      /** With an IngestLease: the jobs of this event's messages leased to the caller. */
      leased?: DeliveryJob[];
      /** Filter expressions that failed on the event (src/fanout/subscription-filter.ts): those
       *  subscriptions did not get it. The ingest caller counts them (GroupCommit). */
      filterErrors?: FilterFailure[];
    }
  | { status: 'replayed'; event: HeraldEvent; messages: number }
  | { status: 'idempotency_conflict' }
  | { status: 'unknown_event_type' }
  | { status: 'schema_validation_failed'; type: string; violation: SchemaViolation }
  | { status: 'unknown_subscriber' };

/** A claimed message with everything needed to deliver it, without another query: the message,
 *  its event, and its subscription whole (jobs of one subscription in one claim share the object). */
export interface DeliveryJob {
  messageId: string;
  eventId: string;
  eventType: string;
  eventCreatedAt: number;
  dataJson: string;
  attempts: number;
  retries: number;
  /** The next attempt was asked for by a person (resend/recover): record it as `manual`. */
  manual: boolean;
  subscription: Subscription;
  /** false when the subscription's subscriber is disabled (the subscription's own flag is in it). */
  subscriberEnabled: boolean;
}

/** The result of one attempt and the message state it leads to, applied in one transaction. */
export interface AttemptOutcome {
  attempt: Attempt;
  status: MessageStatus;
  attempts: number;
  retries: number;
  nextAttemptAt: number | null;
  /** What the attempt says about its endpoint (classify.ts), applied to its subscription's health
   *  in the same transaction (src/domain/health.ts; `gone` disables it); null: nothing was sent. */
  health: HealthSignal | null;
  /** The attempt was its subscription's breaker probe (gate.ts); absent: it was not. */
  probe?: boolean;
}

/** A job the pipeline held back without sending it (its subscription's breaker is open): no
 *  attempt is recorded, the message keeps its status, attempts and retries, and is due again at
 *  nextAttemptAt. */
export interface DeferredOutcome {
  deferred: true;
  messageId: string;
  subscriptionId: string;
  nextAttemptAt: number;
}

/** What recordAttempts records: an attempt, or a job held back. Tell them apart with `'attempt' in o`. */
export type DeliveryOutcome = AttemptOutcome | DeferredOutcome;

/** A change of a subscription's health made while recording attempts (for metrics, and the
 *  operational webhooks to come). */
export type SubscriptionTransition = HealthTransition & { subscriptionId: string };

/** How many subscriptions have each health status and each breaker state. */
export interface HealthCounts {
  status: Record<HealthStatus, number>;
  breaker: Record<BreakerState, number>;
}

export interface StoreCapabilities {
  /** Several processes may share the database (PostgreSQL). */
  multiProcess: boolean;
  /** `onMessagesCommitted` fires for commits made by other processes too. */
  crossProcessNotify: boolean;
}

/** The database itself. */
export interface StoreLifecycle {
  readonly kind: 'sqlite' | 'postgres';
  readonly capabilities: StoreCapabilities;
  /** Applies pending numbered migrations, in a transaction, under a lock. Idempotent. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query; on SQLite, after a call failed for want
   *  of a usable database (disk full, read-only, I/O error), only once a write succeeds again. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The event catalogue. createEventType throws HeraldError('conflict') when the name exists. */
export interface EventTypeStore {
  createEventType(eventType: EventType): Promise<EventType>;
  /** Inserts those that do not exist; returns how many were added. */
  importEventTypes(eventTypes: EventType[]): Promise<number>;
  /**
   * In one transaction, applies each draft to the stored event type of its name as applyDraft
   * (src/domain/event-types.ts) decides: creates those that do not exist, updates those it changes,
   * leaves the rest. Names are distinct.
   */
  syncEventTypes(drafts: EventTypeDraft[], now: number): Promise<EventTypeSync>;
  getEventType(name: string): Promise<EventType | null>;
  listEventTypes(query: PageQuery): Promise<Page<EventType>>; // ordered by name ascending; cursor = last name
  /** updatedAt becomes `now`, or one more than the last when `now` is not later: a change always
   *  moves it, which is what compiled schemas are cached by (src/domain/event-schemas.ts). */
  updateEventType(name: string, patch: EventTypePatch, now: number): Promise<EventType | null>;
  deleteEventType(name: string): Promise<boolean>;
}

/** Subscribers. Deleting one deletes its subscriptions, their messages and attempts, and its API keys. */
export interface SubscriberStore {
  /** Throws HeraldError('conflict') for an id that exists. */
  createSubscriber(subscriber: Subscriber): Promise<Subscriber>;
  getSubscriber(id: string): Promise<Subscriber | null>;
  listSubscribers(query: PageQuery): Promise<Page<Subscriber>>;
  updateSubscriber(id: string, patch: SubscriberPatch, now: number): Promise<Subscriber | null>;
  deleteSubscriber(id: string): Promise<boolean>;
  /** How many subscribers exist, or with `upToId`, how many have an id <= it (its 1-based rank by creation). */
  countSubscribers(upToId?: string): Promise<number>;
}

/** Subscriptions. createSubscription throws HeraldError('unknown_subscriber') for a missing
 *  subscriber, HeraldError('conflict') for an id that exists. */
export interface SubscriptionStore {
  createSubscription(subscription: Subscription): Promise<Subscription>;
  getSubscription(id: string): Promise<Subscription | null>;
  listSubscriptions(query: SubscriptionFilter): Promise<Page<Subscription>>;
  /** With `patch.health` (enabling or disabling, src/domain/health.ts), the messages its breaker
   *  held back follow it (heldMove) in the same transaction. */
  updateSubscription(id: string, patch: SubscriptionPatch, now: number): Promise<Subscription | null>;
  deleteSubscription(id: string): Promise<boolean>;
  /** How many subscriptions have each health status and each breaker state (every key present, 0 or more). */
  countSubscriptionHealth(): Promise<HealthCounts>;
}

/** Events in: ingest (the fan-out plan of src/fanout/, written) and the event log. */
export interface IngestStore {
  /**
   * Commits each event with one message per matching subscription, all requests in one
   * transaction (group commit); results are in request order. Which subscriptions an event
   * reaches, and what a repeated idempotency key answers, is decided by src/fanout/plan.ts over
   * what the store looks up. Messages are created `pending`, due at the event's createdAt (or,
   * while their subscription's breaker holds messages back, when it lets them out). Nothing
   * is written for a request whose result is not `created`.
   * With `lease`, up to lease.limit of the new messages are leased to the caller (IngestLease);
   * subscribers of onMessagesCommitted are told only of the others.
   */
  ingest(requests: IngestRequest[], lease?: IngestLease): Promise<IngestResult[]>;
  /**
   * "Trigger now": commits `event` with exactly one `pending` message, due at the event's
   * createdAt, its attempt manual (recorded as such; an open breaker lets it through as its probe), for the subscription — whatever its patterns, channels, enabled flag and the
   * catalogue say. The caller sets event.subscriberId to the subscription's subscriber. Returns
   * the message, or null (nothing written) when the subscription does not exist.
   */
  ingestForSubscription(event: HeraldEvent, subscriptionId: string): Promise<Message | null>;
  getEvent(id: string): Promise<HeraldEvent | null>;
  listEvents(filter: EventFilter): Promise<Page<HeraldEvent>>;
}

/** Messages, as the API and operators see them. */
export interface MessageStore {
  getMessage(id: string): Promise<Message | null>;
  listMessages(filter: MessageFilter): Promise<Page<Message>>;
  /** Offset-paged, ordered messages (ties by id ascending) with the total count. */
  queryMessages(query: MessageQuery): Promise<CountedPage<SequencedMessage>>;
  /** Deletes the message and its attempts. */
  deleteMessage(id: string): Promise<boolean>;
  /** Queues the message for an immediate manual attempt with a fresh retry budget: status
   *  `pending`, retries 0, due now. Returns the updated message, or null if unknown. */
  resendMessage(id: string, now: number): Promise<Message | null>;
  /**
   * resendMessage for every message of the subscription created at or after `since` whose status is
   * one of `statuses`: `pending`, retries 0, due now, its next attempt manual. A message with an
   * attempt in flight (leased, the lease not yet expired at `now`) is left to that attempt and
   * counted as `inFlight`: its outcome decides what happens next, and a later recover can take it.
   */
  recoverMessages(subscriptionId: string, query: RecoverQuery, now: number): Promise<RecoverResult>;
}

/** Attempts, as the API and operators see them. */
export interface AttemptStore {
  getAttempt(id: string): Promise<Attempt | null>;
  listAttempts(filter: AttemptFilter): Promise<Page<Attempt>>;
  /** Offset-paged, ordered attempts (ties by id ascending) with the total count. */
  queryAttempts(query: AttemptQuery): Promise<CountedPage<NumberedAttempt>>;
}

/** How a claim shares out among endpoints (the dispatcher's fairness, src/delivery/fairness.ts). */
export interface ClaimShare {
  /** Subscriptions whose messages the claim leaves alone: their endpoints are at their cap. */
  skip: readonly string[];
  /** The most messages of any one subscription the claim takes (takeShares). */
  perSubscription: number;
  /** For a store whose messages several processes deliver (PostgreSQL): the claimer's cap of each
   *  endpoint it holds state for, and `initialCap` for the others (bounded by their maxInFlight).
   *  The claim takes of a subscription at most its cap less the messages any process holds leased
   *  (roomAcrossProcesses), so a cap holds across workers. */
  caps?: Readonly<Record<string, number>>;
  initialCap?: number;
}

/** The delivery queue: all the dispatcher needs. */
export interface QueueStore {
  readonly capabilities: StoreCapabilities;
  /**
   * Claims up to `limit` messages that are `pending` or `retrying` and due (nextAttemptAt <= now),
   * oldest due first, by moving their nextAttemptAt to the lease expiry: now + the subscription's
   * timeout + leaseMarginMs. A lease that expires makes the message claimable again (at-least-once).
   * Safe against concurrent claimers: a message is handed to one claimer per lease. With `share`,
   * messages of `share.skip` are left alone and at most `share.perSubscription` of any one
   * subscription are taken, from the oldest claimScan() due messages (takeShares).
   */
  claimDue(now: number, limit: number, leaseMarginMs: number, share?: ClaimShare): Promise<DeliveryJob[]>;
  /**
   * Records attempts and applies the message states, in one transaction. An outcome whose message
   * no longer exists is dropped. Clears the manual flag. A deferred outcome only makes its message
   * due at its nextAttemptAt (and no longer leased). In the same transaction, each subscription's
   * health takes the recorded attempts' signals as src/domain/health.ts decides under `policy`
   * (default: the settings' defaults): its counts, its breaker (and the messages it holds back,
   * heldMove), disabling it (enabled false) on 410 Gone or when out of order. Returns the health
   * transitions made.
   */
  recordAttempts(outcomes: readonly DeliveryOutcome[], policy?: HealthPolicy): Promise<SubscriptionTransition[]>;
  /**
   * A job of `subscriptionId` found its breaker open with the probe window come (probeVerdict):
   * decides, on the subscription's current health and atomically against every other caller (one
   * wins), whether it goes out as the one probe (the breaker is half-open until `leaseEnds`), goes
   * out because the breaker has closed meanwhile, or waits until a time (src/domain/health.ts
   * startProbe; the held messages follow). An unknown subscription answers `send` (nothing to hold).
   */
  startProbe(subscriptionId: string, now: number, leaseEnds: number, manual: boolean): Promise<ProbeVerdict>;
  /** Makes every leased message due now. Only for a single-process store at start-up (SQLite). */
  releaseLeases(now: number): Promise<number>;
  /**
   * Gives back leases the caller holds but will not use (handed-off jobs it will not start): each
   * message becomes due now, if it still holds that lease (nextAttemptAt = leaseEnds; a message
   * another claimer has leased since is left alone). Returns how many were given back.
   */
  returnLeases(leases: ReturnedLease[], now: number): Promise<number>;
  /** The earliest nextAttemptAt of a `pending` or `retrying` message, or null if none. */
  nextDueAt(): Promise<number | null>;
  /** Calls `listener` (debounced is fine) when messages became due through this or, with
   *  crossProcessNotify, another process. Returns an unsubscribe function. */
  onMessagesCommitted(listener: () => void): () => void;
}

/** Sends granted from a subscription's rate-limit budget (src/delivery/rate-limit.ts). */
export interface GrantedSends {
  /** How many attempts may start now (0 ≤ granted ≤ want). */
  granted: number;
  /** When the next send becomes available (ms). */
  nextAt: number;
}

/** Subscriptions' rate-limit budgets, shared by every process of the database. */
export interface RateLimitStore {
  /**
   * Takes up to `want` sends from the budget of `subscriptionId` under `rule` at `now`, atomically
   * (concurrent callers, in any process, never get more between them than the rule allows).
   */
  takeSends(subscriptionId: string, rule: RateLimit, want: number, now: number): Promise<GrantedSends>;
}

/** Retention (HERALD_RETENTION_DAYS). */
export interface RetentionStore {
  /**
   * Deletes up to `limit` events created before `before`, oldest first, whose messages are all
   * settled (`succeeded` or `failed`; an event with none counts), with their messages and those
   * messages' attempts. An event with a `pending` or `retrying` message is kept whole, and a
   * message resent while the batch runs is not deleted. Safe to run from several processes.
   */
  purgeSettledEvents(before: number, limit: number): Promise<PurgeResult>;
}

/** Operator sessions (src/api/sessions.ts), shared by every process of the database. */
export interface SessionStore {
  /** Stores a new session, then deletes those last seen before `expiredBefore` and, beyond the
   *  `max` most recently seen, the rest. */
  openSession(session: StoredSession, expiredBefore: number, max: number): Promise<void>;
  getSession(tokenHash: string): Promise<StoredSession | null>;
  /** Sets lastSeenAt (never backwards). */
  touchSession(tokenHash: string, lastSeenAt: number): Promise<void>;
  closeSession(tokenHash: string): Promise<boolean>;
  /** Stores a new portal link, then deletes those that expired before `expiredBefore`. */
  createPortalLink(link: PortalLink, expiredBefore: number): Promise<void>;
  /** Marks the link used at `now` unless it already was, atomically, and returns it as it was
   *  before (usedAt null: this call used it); null for an unknown token. Expiry is the caller's. */
  claimPortalLink(tokenHash: string, now: number): Promise<PortalLink | null>;
}

/** API keys. findApiKeyByHash returns revoked and expired keys too: the caller decides. */
export interface ApiKeyStore {
  /** Throws HeraldError('conflict') for an id or hash that exists. */
  createApiKey(key: ApiKey): Promise<ApiKey>;
  getApiKey(id: string): Promise<ApiKey | null>;
  findApiKeyByHash(hash: string): Promise<ApiKey | null>;
  listApiKeys(query: PageQuery): Promise<Page<ApiKey>>;
  revokeApiKey(id: string, now: number): Promise<ApiKey | null>;
  countApiKeys(): Promise<number>;
}

/** The audit log: append-only, listed newest first. */
export interface AuditStore {
  appendAudit(entry: AuditEntry): Promise<AuditEntry>;
  listAudit(filter: AuditFilter): Promise<Page<AuditEntry>>;
}

/** Statistics. */
export interface StatsStore {
  /** The stats panel of a subscription (seed 002): counters since `query.since`, its state now, and
   *  per-bucket attempt counts over `query.series`. All zeros and nulls for an unknown id. */
  subscriptionStats(subscriptionId: string, query: SubscriptionStatsQuery): Promise<SubscriptionStats>;
}

/** The whole store: its parts, each a resource (one file per part in each implementation). */
export interface Store
  extends StoreLifecycle,
    EventTypeStore,
    SubscriberStore,
    SubscriptionStore,
    IngestStore,
    MessageStore,
    AttemptStore,
    QueueStore,
    RetentionStore,
    SessionStore,
    ApiKeyStore,
    AuditStore,
    StatsStore,
    RateLimitStore {}

/** An attempt as the stats panel links to it. */
export interface AttemptRef {
  at: number;
  attemptId: string;
}

/**
 * A subscription's stats panel. An attempt succeeded when the receiver answered 2xx; any other
 * answer, or none (network error, timeout), is a failure.
 */
export interface SubscriptionStats {
  // ---- counters: created at or after `since` ----
  /** Messages by status. */
  messages: Record<MessageStatus, number>;
  /** Events the subscription got: one message each, so the sum of `messages`. */
  events: number;
  /** Attempts made ("triggers"), and how many succeeded and failed. */
  attempts: number;
  attemptsSucceeded: number;
  attemptsFailed: number;
  /** The last success and failure within the window (lastSuccess and lastFailure are whenever). */
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  averageDurationMs: number | null;
  // ---- state, whatever `since` ----
  /** Failed attempts after the last successful one (all of them when none ever succeeded). */
  failuresSinceLastSuccess: number;
  /** When the newest message (event) of the subscription was created. */
  lastEventAt: number | null;
  /** The earliest nextAttemptAt of its `pending` or `retrying` messages not in flight ("next trigger"). */
  nextAttemptAt: number | null;
  /** The last successful attempt and the last failed one. */
  lastSuccess: AttemptRef | null;
  lastFailure: AttemptRef | null;
  // ---- the series: attempts by createdAt, one number per bucket of `query.series`, oldest first ----
  series: { start: number; intervalMs: number; succeeded: number[]; failed: number[] };
}

export type { AttemptTrigger };
