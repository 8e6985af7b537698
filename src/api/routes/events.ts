// /v1/events: ingest and the event log. An event is acknowledged (202) only once it and its fan-out
// messages are committed; requests share transactions through the group commit, so ingest is fast
// without giving that up. The batch endpoint submits its events together and answers per event,
// in request order, with the same result a single request would have had, or that error.
import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HeraldError } from '../../domain/errors.js';
import { schemaValidationError } from '../../domain/event-schemas.js';
import { canonicalJson, isEventTypeName, unknownEventType } from '../../domain/event-types.js';
import type { HeraldEvent } from '../../domain/glossary.js';
import { isId, newId } from '../../domain/ids.js';
import { eventsIngested, messagesCreated } from '../../observability/metrics.js';
import type { IngestRequest, IngestResult } from '../../store/store.js';
import { assertId, orNotFound, page } from '../checks.js';
import type { ApiContext } from '../context.js';
import { parseTime, renderEvent, renderIngested } from '../render.js';
import {
  BatchResponse,
  EventBatch,
  EventCreate,
  type EventCreateBody,
  EventSchema,
  EventsQuery,
  errorResponses,
  IdempotencyHeader,
  IdParams,
  type IngestJson,
  IngestResponse,
  Page,
} from '../schemas.js';

const tags = ['events'];

/** The digest idempotency compares: what the request asks for, whatever its key order. */
export function requestHash(body: EventCreateBody): string {
  const scope = { type: body.type, data: body.data, subscriberId: body.subscriberId ?? null, channels: body.channels ?? null };
  return createHash('sha256').update(canonicalJson(scope)).digest('hex');
}

/** Checks one event and gives it its id; throws the HeraldError a bad one answers. */
function toIngestRequest(body: EventCreateBody, now: number): IngestRequest {
  if (!isEventTypeName(body.type)) throw new HeraldError('invalid_event_type_name', undefined, { type: body.type });
  const subscriberId = body.subscriberId ?? null;
  if (subscriberId !== null && !isId('sbr', subscriberId)) throw new HeraldError('unknown_subscriber');
  const idempotencyKey = body.idempotencyKey ?? null;
  const event: HeraldEvent = {
    id: newId('evt', now),
    type: body.type,
    dataJson: JSON.stringify(body.data),
    idempotencyKey,
    subscriberId,
    channels: body.channels ?? null,
    createdAt: now,
  };
  // Only a request that can be replayed needs its digest.
  return { event, requestHash: idempotencyKey === null ? null : requestHash(body) };
}

/** The Idempotency-Key header, as the body's idempotencyKey (Stripe's spelling; both may be
 *  sent if they agree). */
function withHeaderKey(body: EventCreateBody, header: string | string[] | undefined): EventCreateBody {
  if (header === undefined) return body;
  const key = Array.isArray(header) ? header.join(', ') : header; // the schema checked its length
  if (body.idempotencyKey !== undefined && body.idempotencyKey !== key) {
    throw new HeraldError(
      'validation_failed',
      "The Idempotency-Key header and the body's idempotencyKey differ: send one, or both the same",
    );
  }
  return { ...body, idempotencyKey: key };
}

/** The answer for an event of `type`, or the error its result is. */
function toResponse(result: IngestResult, type: string): IngestJson {
  switch (result.status) {
    case 'created':
      eventsIngested.inc();
      messagesCreated.inc(result.messages);
      return renderIngested(result.event, result.messages);
    case 'replayed':
      return renderIngested(result.event, result.messages);
    case 'idempotency_conflict':
      throw new HeraldError('idempotency_conflict');
    case 'unknown_event_type':
      throw unknownEventType(type);
    case 'schema_validation_failed':
      throw schemaValidationError(result.type, result.violation);
    case 'unknown_subscriber':
      throw new HeraldError('unknown_subscriber');
  }
}

function itemError(err: unknown): { error: { code: string; message: string; details?: unknown } } {
  if (err instanceof HeraldError) {
    return { error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } };
  }
  throw err; // not the event's fault: fail the whole request
}

export const eventRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store, groupCommit }) => {
  app.post(
    '/events',
    {
      config: { action: 'events.ingest', audit: false },
      schema: {
        tags,
        summary: 'Send an event; answered once it and its messages are committed',
        body: EventCreate,
        headers: IdempotencyHeader,
        response: { 202: IngestResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = withHeaderKey(request.body, request.headers['idempotency-key']);
      const result = await groupCommit.submit(toIngestRequest(body, Date.now()));
      if (result.status === 'replayed') reply.header('idempotent-replayed', 'true');
      return reply.code(202).send(toResponse(result, body.type));
    },
  );

  app.post(
    '/events/batch',
    {
      config: { action: 'events.ingest', audit: false },
      schema: {
        tags,
        summary: 'Send up to 1000 events; each gets its own result or error, in request order',
        body: EventBatch,
        response: { 202: BatchResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      if (request.headers['idempotency-key'] !== undefined) {
        throw new HeraldError('validation_failed', 'A batch has no Idempotency-Key header: give each event its idempotencyKey');
      }
      const now = Date.now();
      const prepared = request.body.events.map((body) => {
        try {
          return toIngestRequest(body, now);
        } catch (err) {
          return itemError(err);
        }
      });
      const valid = prepared.filter((p): p is IngestRequest => 'event' in p);
      const results = await groupCommit.submitAll(valid);
      let next = 0;
      const data = prepared.map((p) => {
        if (!('event' in p)) return p;
        try {
          return toResponse(results[next++] as IngestResult, p.event.type);
        } catch (err) {
          return itemError(err);
        }
      });
      // Serialized as it is: the items are rendered here with exactly the schema's fields, and
      // the schema's union (result or error) would have fast-json-stringify validate every item.
      return reply
        .code(202)
        .type('application/json; charset=utf-8')
        .serializer((payload) => JSON.stringify(payload))
        .send({ data });
    },
  );

  app.get(
    '/events',
    {
      config: { action: 'events.read' },
      schema: {
        tags,
        summary: 'List events, newest first',
        querystring: EventsQuery,
        response: { 200: Page(EventSchema), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const result = await store.listEvents({
        ...page(q, 'evt'),
        type: q.type,
        subscriberId: q.subscriberId,
        since: parseTime(q.since),
        until: parseTime(q.until),
      });
      return { data: result.data.map(renderEvent), nextCursor: result.nextCursor };
    },
  );

  app.get(
    '/events/:id',
    {
      config: { action: 'events.read' },
      schema: { tags, summary: 'Get an event with its data', params: IdParams, response: { 200: EventSchema, ...errorResponses } },
    },
    async (request) => {
      assertId('evt', request.params.id);
      return renderEvent(orNotFound(await store.getEvent(request.params.id)));
    },
  );
};
