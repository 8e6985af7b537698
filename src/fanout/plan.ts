// The ingest decision (DESIGN.md §3), as a pure function both stores call: given a batch of
// requests and what the store looked up for it, which results to answer, which events and messages
// to write, and which messages to lease to the caller. A store finds the facts (prior events under
// the batch's idempotency keys, known event types and subscribers, candidate subscriptions); this
// decides; the store writes what it is told. Neither store decides anything of its own.
//
// Filters (seed 004): a subscription with a filter gets the event only when every expression holds
// (subscription-filter.ts). The event's data is parsed once per event, and only when a subscription
// it reaches otherwise has a filter: an event no filter looks at costs nothing more. An expression
// that fails on the event does not hold; the failures come back in the event's result
// (`filterErrors`) for the caller to count, this being pure.
import type { CelVariables } from '../domain/cel.js';
import type { DataValidator } from '../domain/event-schemas.js';
import type { HeraldEvent, Subscription } from '../domain/glossary.js';
import { probeVerdict } from '../domain/health.js';
import { newId } from '../domain/ids.js';
import { subscriptionLeaseMs } from '../domain/lease.js';
import type { DeliveryJob, IngestLease, IngestRequest, IngestResult } from '../store/store.js';
import { channelsMatch, subscriberMatches, typeMatches } from './match.js';
import { eventVariables, type FilterFailure, filterVerdict } from './subscription-filter.js';

/** An event stored earlier under an idempotency key of the batch. */
export interface PriorEvent {
  event: HeraldEvent;
  requestHash: string | null;
  /** Messages its ingest created: a replay answers the original result. */
  messages: number;
}

/** What a store looked up for a batch. */
export interface IngestFacts {
  /** Events already stored under the batch's keys, by idempotencyScope(subscriberId, key). */
  prior: ReadonlyMap<string, PriorEvent>;
  /** Which of the batch's event types are in the catalogue. */
  knownTypes: ReadonlySet<string>;
  /** The schema validators of those of the batch's known types that have a schema (none: none do). */
  validators?: ReadonlyMap<string, DataValidator>;
  /** Which of the batch's subscriber ids exist. */
  knownSubscribers: ReadonlySet<string>;
  /** Every enabled subscription of an enabled subscriber whose patterns may match a type of the
   *  batch (a superset is fine: the patterns are matched here). */
  candidates: readonly Subscription[];
}

/** One message to write. */
export interface PlannedMessage {
  id: string;
  event: HeraldEvent;
  subscription: Subscription;
  /** When it is due: the event's time; leased, when the lease ends; held back by its subscription's
   *  open breaker (src/domain/health.ts), when the breaker lets messages out again. */
  nextAttemptAt: number;
  /** Leased to the caller (IngestLease): written claimed, returned as a job. */
  leased: boolean;
}

/** One event to write, with the number of messages its ingest creates. */
export interface PlannedEvent {
  event: HeraldEvent;
  requestHash: string | null;
  messages: number;
}

export interface IngestPlan {
  /** In request order; `created` ones without their leased jobs (the store builds those). */
  results: IngestResult[];
  events: PlannedEvent[];
  messages: PlannedMessage[];
}

/** The key idempotency is scoped by: the same key may be used once per subscriber, and once unscoped. */
export function idempotencyScope(subscriberId: string | null, key: string): string {
  return `${subscriberId ?? ''}\u0000${key}`;
}

/** What a request with `requestHash` answers when its key was used before: the original result
 *  for the same request, a conflict for another. */
export function replayOf(prior: PriorEvent, requestHash: string | null): IngestResult {
  return prior.requestHash === requestHash
    ? { status: 'replayed', event: prior.event, messages: prior.messages }
    : { status: 'idempotency_conflict' };
}

/**
 * Decides a batch. Results are in request order. An event whose idempotency key was used before,
 * in the store or earlier in the batch, is replayed or conflicts; one of an unknown type, one whose
 * data breaks its type's schema (the first violation) or one for an unknown subscriber is refused;
 * the rest are created with a message per target, the first `lease.limit` of them (in request
 * order, then subscription id order) leased to the caller, but for those an open breaker holds back.
 */
export function planIngest(requests: readonly IngestRequest[], facts: IngestFacts, lease?: IngestLease): IngestPlan {
  const candidates = [...facts.candidates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byType = new Map<string, Subscription[]>(); // targets before the event's own scope, per type
  const inBatch = new Map<string, PriorEvent>();
  let leaseable = lease?.limit ?? 0;
  const plan: IngestPlan = { results: [], events: [], messages: [] };
  for (const { event, requestHash } of requests) {
    const scope = event.idempotencyKey === null ? null : idempotencyScope(event.subscriberId, event.idempotencyKey);
    const prior = scope === null ? undefined : (facts.prior.get(scope) ?? inBatch.get(scope));
    if (prior) {
      plan.results.push(replayOf(prior, requestHash));
      continue;
    }
    if (!facts.knownTypes.has(event.type)) {
      plan.results.push({ status: 'unknown_event_type' });
      continue;
    }
    const violation = facts.validators?.get(event.type)?.(event.dataJson);
    if (violation) {
      plan.results.push({ status: 'schema_validation_failed', type: event.type, violation });
      continue;
    }
    if (event.subscriberId !== null && !facts.knownSubscribers.has(event.subscriberId)) {
      plan.results.push({ status: 'unknown_subscriber' });
      continue;
    }
    let ofType = byType.get(event.type);
    if (!ofType) {
      ofType = candidates.filter((s) => typeMatches(s.eventTypes, event.type));
      byType.set(event.type, ofType);
    }
    let messages = 0;
    let variables: CelVariables | undefined;
    let filterErrors: FilterFailure[] | undefined;
    for (const subscription of ofType) {
      if (!subscriberMatches(subscription.subscriberId, event.subscriberId) || !channelsMatch(subscription.channels, event.channels))
        continue;
      if (subscription.filter !== null && subscription.filter.length > 0) {
        variables ??= eventVariables(event);
        const verdict = filterVerdict(subscription.id, subscription.filter, variables);
        if (verdict.failures !== null) filterErrors = filterErrors ? filterErrors.concat(verdict.failures) : verdict.failures;
        if (!verdict.matches) continue;
      }
      // An open breaker holds the message back from the start, with those it holds already: it is
      // written due when they are, and moves with them (heldMove), never claimed only to wait.
      const breaker = probeVerdict(subscription.health, event.createdAt, false);
      const leased = breaker.send && leaseable > 0;
      if (leased) leaseable--;
      plan.messages.push({
        id: newId('msg', event.createdAt),
        event,
        subscription,
        nextAttemptAt: !breaker.send
          ? breaker.until
          : leased
            ? event.createdAt + subscriptionLeaseMs(subscription, lease?.leaseMarginMs ?? 0)
            : event.createdAt,
        leased,
      });
      messages++;
    }
    plan.events.push({ event, requestHash, messages });
    if (scope !== null) inBatch.set(scope, { event, requestHash, messages });
    plan.results.push(filterErrors ? { status: 'created', event, messages, filterErrors } : { status: 'created', event, messages });
  }
  return plan;
}

/** The plan's results with the jobs of its leased messages, each `created` result those of its event. */
export function resultsWithLeases(plan: IngestPlan): IngestResult[] {
  const byEvent = new Map<HeraldEvent, DeliveryJob[]>();
  for (const m of plan.messages) {
    if (!m.leased) continue;
    const job: DeliveryJob = {
      messageId: m.id,
      eventId: m.event.id,
      eventType: m.event.type,
      eventCreatedAt: m.event.createdAt,
      dataJson: m.event.dataJson,
      attempts: 0,
      retries: 0,
      manual: false,
      subscription: m.subscription,
      subscriberEnabled: true, // a candidate: it and its subscriber are enabled
    };
    const list = byEvent.get(m.event);
    if (list) list.push(job);
    else byEvent.set(m.event, [job]);
  }
  if (byEvent.size === 0) return plan.results;
  return plan.results.map((r) => {
    const leased = r.status === 'created' ? byEvent.get(r.event) : undefined;
    return leased ? { ...r, leased } : r;
  });
}
