// Herald's records as seed 001's DTOs: the same rows, Jiwa's field names. Nothing here is stored;
// the Jiwa-only fields are derived, the same way on every route:
//   RecID / SubscriberID / ...ID  the record's Herald id (sbr_, sub_, msg_, att_)
//   ItemNo             a subscriber's rank by creation among all subscribers; a subscription's
//                      rank among its subscriber's subscriptions; a message's insertion number
//                      (store `seq`); a message response's number within its message (1 = first)
//   LastSavedDateTime  updatedAt (for a message response, when the attempt was made)
//   AddedDateTime      a message's createdAt
//   RowHash            8 bytes of SHA-256 over the id and updatedAt, base64, like a SQL rowversion:
//                      it changes whenever the record does
//   Status             Jiwa's number: 0 not sent, 1 successful, 2 failed retry pending, 3 failed
import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { type TSchema, Type } from 'typebox';
import { type EventType, STATUS_NUMBER, type Subscriber, type Subscription } from '../../domain/glossary.js';
import type { NumberedAttempt, SequencedMessage } from '../../store/store.js';

/** A point in time, rendered by each format in its own way (see format.ts). */
export class JiwaDate {
  constructor(readonly ms: number) {}
}

export type JiwaValue = string | number | boolean | null | JiwaDate;

/** Seed 001's "Message Statuses": the text of each Status number (index = number). */
export const STATUS_TEXT = ['Not sent', 'Successful', 'Failed, Retry Pending', 'Failed'] as const;
export type JiwaRow = Record<string, JiwaValue>;

/** A value as plain text (CSV, HTML): dates in ISO 8601, null as empty. */
export function valueText(value: JiwaValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (value instanceof JiwaDate) return new Date(value.ms).toISOString();
  return String(value);
}

export function rowHash(id: string, updatedAt: number): string {
  return createHash('sha256').update(`${id}:${updatedAt}`).digest().subarray(0, 8).toString('base64');
}

/** An outcome as Jiwa's message text: "404 Not Found" when an HTTP answer came, else the error. */
function outcomeText(statusCode: number | null, error: string | null): string | null {
  if (statusCode === null) return error;
  return `${statusCode} ${STATUS_CODES[statusCode] ?? ''}`.trim();
}

export function eventTypeDto(e: EventType): JiwaRow {
  return { Name: e.name, Description: e.description };
}

export function subscriberDto(s: Subscriber, itemNo: number): JiwaRow {
  return {
    RecID: s.id,
    Name: s.name,
    IsEnabled: s.enabled,
    ItemNo: itemNo,
    LastSavedDateTime: new JiwaDate(s.updatedAt),
    RowHash: rowHash(s.id, s.updatedAt),
  };
}

export function subscriptionDto(s: Subscription, itemNo: number): JiwaRow {
  return {
    RecID: s.id,
    SY_WebhookSubscriber_RecID: s.subscriberId,
    EventName: s.eventTypes.join(','),
    URL: s.url,
    ItemNo: itemNo,
    LastSavedDateTime: new JiwaDate(s.updatedAt),
    RowHash: rowHash(s.id, s.updatedAt),
  };
}

/** `body` is the event's data as sent (JSON text), or null when the Fields asked for leave it out. */
export function messageDto(m: SequencedMessage, body: string | null): JiwaRow {
  return {
    SubscriberID: m.subscriberId,
    SubscriptionID: m.subscriptionId,
    MessageID: m.id,
    EventName: m.eventType,
    URL: m.url,
    Body: body,
    ItemNo: m.seq,
    Status: STATUS_NUMBER[m.status],
    Retries: m.retries,
    AddedDateTime: new JiwaDate(m.createdAt),
    LastSavedDateTime: new JiwaDate(m.updatedAt),
    LastMessageResponseHTTPCode: m.lastStatusCode,
    LastMessageResponseMessage: outcomeText(m.lastStatusCode, m.lastError),
  };
}

export function messageResponseDto(a: NumberedAttempt, m: SequencedMessage, body: string | null): JiwaRow {
  return {
    SubscriberID: a.subscriberId,
    SubscriptionID: a.subscriptionId,
    MessageID: a.messageId,
    MessageResponseID: a.id,
    EventName: a.eventType,
    URL: m.url,
    Body: body,
    MessageItemNo: m.seq,
    Status: STATUS_NUMBER[m.status],
    Retries: m.retries,
    AddedDateTime: new JiwaDate(m.createdAt),
    MessageLastSavedDateTime: new JiwaDate(m.updatedAt),
    HTTPCode: a.statusCode,
    Message: outcomeText(a.statusCode, a.error),
    ItemNo: a.attemptNumber,
    LastSavedDateTime: new JiwaDate(a.createdAt),
  };
}

// ---- Schemas, for the OpenAPI document and Swagger UI only: Jiwa routes read their parameters
// leniently (params.ts) and render their own answers (format.ts). ----

const JiwaDateSchema = Type.String({ description: 'Date: "\\/Date(1511372206197-0000)\\/" or ISO 8601, per HERALD_JIWA_DATE_FORMAT' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const WebhookEventSchema = Type.Object({ Name: Type.String(), Description: Type.String() }, { $id: 'WebHookEvent' });

export const SubscriberDtoSchema = Type.Object({
  RecID: Type.String({ description: 'The SubscriberID' }),
  Name: Type.String(),
  IsEnabled: Type.Boolean(),
  ItemNo: Type.Integer(),
  LastSavedDateTime: JiwaDateSchema,
  RowHash: Type.String(),
});

export const SubscriptionDtoSchema = Type.Object({
  RecID: Type.String({ description: 'The SubscriptionID' }),
  SY_WebhookSubscriber_RecID: Type.String({ description: 'The SubscriberID' }),
  EventName: Type.String(),
  URL: Type.String(),
  ItemNo: Type.Integer(),
  LastSavedDateTime: JiwaDateSchema,
  RowHash: Type.String(),
});

export const MessageDtoSchema = Type.Object({
  SubscriberID: Type.String(),
  SubscriptionID: Type.String(),
  MessageID: Type.String(),
  EventName: Type.String(),
  URL: Type.String(),
  Body: Type.String({ description: 'The event data (JSON text) sent as the body' }),
  ItemNo: Type.Integer(),
  Status: Type.Integer({ minimum: 0, maximum: 3, description: STATUS_TEXT.map((text, n) => `${n} ${text}`).join(', ') }),
  Retries: Type.Integer(),
  AddedDateTime: JiwaDateSchema,
  LastSavedDateTime: JiwaDateSchema,
  LastMessageResponseHTTPCode: Nullable(Type.Integer()),
  LastMessageResponseMessage: Nullable(Type.String()),
});

export const MessageResponseDtoSchema = Type.Object({
  SubscriberID: Type.String(),
  SubscriptionID: Type.String(),
  MessageID: Type.String(),
  MessageResponseID: Type.String(),
  EventName: Type.String(),
  URL: Type.String(),
  Body: Type.String(),
  MessageItemNo: Type.Integer(),
  Status: Type.Integer({ minimum: 0, maximum: 3 }),
  Retries: Type.Integer(),
  AddedDateTime: JiwaDateSchema,
  MessageLastSavedDateTime: JiwaDateSchema,
  HTTPCode: Nullable(Type.Integer({ description: 'null when no HTTP answer came (network error, timeout)' })),
  Message: Nullable(Type.String()),
  ItemNo: Type.Integer({ description: 'The attempt number within its message' }),
  LastSavedDateTime: JiwaDateSchema,
});

/** ServiceStack's QueryResponse<T>. Meta holds the total too, as text, as ServiceStack's Meta dictionary does. */
export function QueryResponseSchema<T extends TSchema>(item: T) {
  return Type.Object({
    Offset: Type.Integer(),
    Total: Type.Integer({ description: 'Rows matching the filters, whatever Skip and Take' }),
    Results: Type.Array(item),
    Meta: Type.Record(Type.String(), Type.String()),
  });
}

/** The DTO field names of each list, in order: what Fields and OrderBy may name. */
export const MESSAGE_FIELDS = Object.keys(MessageDtoSchema.properties);
export const MESSAGE_RESPONSE_FIELDS = Object.keys(MessageResponseDtoSchema.properties);
