// The AutoQuery lists of the Jiwa routes (autoquery.ts reads their parameters): for each DTO field
// of a list, the store field it orders by and how a parameter of its name filters.
import { Type } from 'typebox';
import { STATUS_NAME } from '../../domain/glossary.js';
import type { AttemptQuery, AttemptSortField, MessageQuery, MessageSortField } from '../../store/store.js';
import type { QueryField } from './autoquery.js';
import type { JiwaParams } from './params.js';
import { formatQuery } from './schemas.js';

const MAX_HTTP_CODE = 599;
const MAX_RETRIES_FILTER = 1_000_000;

export type MessageFilters = Omit<MessageQuery, 'orderBy' | 'offset' | 'limit'>;
export type AttemptFilters = Omit<AttemptQuery, 'orderBy' | 'offset' | 'limit'>;

const text =
  <Q>(set: (q: Q, value: string) => void) =>
  (p: JiwaParams, name: string, q: Q) =>
    set(q, p.string(name) as string);
const integer =
  <Q>(max: number, set: (q: Q, value: number) => void) =>
  (p: JiwaParams, name: string, q: Q) =>
    set(q, p.integer(name, 0, max) as number);
const status =
  <Q>(set: (q: Q, value: (typeof STATUS_NAME)[number]) => void) =>
  (p: JiwaParams, name: string, q: Q) =>
    set(q, STATUS_NAME[p.integer(name, 0, 3) as number] as (typeof STATUS_NAME)[number]);

export const MESSAGE_LIST: Record<string, QueryField<MessageFilters, MessageSortField>> = {
  SubscriberID: {},
  SubscriptionID: { sort: 'subscriptionId', filter: text((q, v) => (q.subscriptionId = v)) },
  MessageID: { sort: 'id', filter: text((q, v) => (q.ids = [v])) },
  EventName: { sort: 'eventType', filter: text((q, v) => (q.eventType = v)) },
  URL: { sort: 'url', filter: text((q, v) => (q.url = v)) },
  Body: {},
  ItemNo: { sort: 'seq' },
  Status: { sort: 'status', filter: status((q, v) => (q.status = v)) },
  Retries: { sort: 'retries', filter: integer(MAX_RETRIES_FILTER, (q, v) => (q.retries = v)) },
  AddedDateTime: { sort: 'createdAt' },
  LastSavedDateTime: { sort: 'updatedAt' },
  LastMessageResponseHTTPCode: { sort: 'lastStatusCode', filter: integer(MAX_HTTP_CODE, (q, v) => (q.lastStatusCode = v)) },
  LastMessageResponseMessage: {},
};

export const RESPONSE_LIST: Record<string, QueryField<AttemptFilters, AttemptSortField>> = {
  SubscriberID: {},
  SubscriptionID: { sort: 'subscriptionId', filter: text((q, v) => (q.subscriptionId = v)) },
  MessageID: { sort: 'messageId', filter: text((q, v) => (q.messageId = v)) },
  MessageResponseID: { sort: 'id', filter: text((q, v) => (q.id = v)) },
  EventName: { sort: 'eventType', filter: text((q, v) => (q.eventType = v)) },
  URL: {},
  Body: {},
  MessageItemNo: {},
  Status: { sort: 'messageStatus', filter: status((q, v) => (q.messageStatus = v)) },
  Retries: { sort: 'messageRetries', filter: integer(MAX_RETRIES_FILTER, (q, v) => (q.messageRetries = v)) },
  AddedDateTime: { sort: 'messageCreatedAt' },
  MessageLastSavedDateTime: {},
  HTTPCode: { sort: 'statusCode', filter: integer(MAX_HTTP_CODE, (q, v) => (q.statusCode = v)) },
  Message: {},
  ItemNo: { sort: 'attemptNumber' },
  LastSavedDateTime: { sort: 'createdAt' },
};

const autoQueryParams = {
  Skip: Type.Optional(Type.Integer({ minimum: 0 })),
  Take: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Capped by AutoQueryMaxLimit (HERALD_AUTOQUERY_MAX_LIMIT), also the default' }),
  ),
  OrderBy: Type.Optional(Type.String({ description: 'Comma list of fields; -Field for descending' })),
  OrderByDesc: Type.Optional(Type.String({ description: 'Comma list of fields, descending' })),
  Fields: Type.Optional(Type.String({ description: 'Comma list of the fields to return' })),
};

/** The documented query string of a list: the AutoQuery parameters and a filter per field. */
export function listQuery(fields: Record<string, unknown>) {
  const filters = Object.fromEntries(Object.keys(fields).map((name) => [name, Type.Optional(Type.String())]));
  return Type.Object({ ...autoQueryParams, ...filters, ...formatQuery });
}
