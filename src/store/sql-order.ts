// ORDER BY clauses for the queryable lists (queryMessages, queryAttempts), shared by both stores:
// the sortable fields map to whitelisted column expressions, never to user text. The two dialects
// agree on all of it except the column holding a message's insertion number (`seq`).
import type { AttemptSortField, MessageSortField, SortKey } from './store.js';

/** Message sort columns; `seqColumn` is the message's insertion number in this database. */
export function messageSortColumns(seqColumn: string): Record<MessageSortField, string> {
  return {
    id: 'm.id',
    seq: seqColumn,
    createdAt: 'm.created_at',
    updatedAt: 'm.updated_at',
    status: 'm.status',
    retries: 'm.retries',
    attempts: 'm.attempts',
    eventType: 'm.event_type',
    subscriptionId: 'm.subscription_id',
    url: 's.url',
    lastStatusCode: 'm.last_status_code',
  };
}

export const ATTEMPT_SORT_COLUMNS: Record<AttemptSortField, string> = {
  id: 'a.id',
  createdAt: 'a.created_at',
  statusCode: 'a.status_code',
  durationMs: 'a.duration_ms',
  attemptNumber: 'attempt_number',
  messageId: 'a.message_id',
  subscriptionId: 'a.subscription_id',
  eventType: 'a.event_type',
  messageStatus: 'm.status',
  messageRetries: 'm.retries',
  messageCreatedAt: 'm.created_at',
};

/** ORDER BY text from whitelisted columns; NULL sorts as the smallest value, ties by id ascending. */
export function orderBy<F extends string>(keys: SortKey<F>[], columns: Record<F, string>, idColumn: string): string {
  const parts = keys.map((k) => {
    const column = columns[k.field];
    if (column === undefined) throw new Error(`cannot order by ${k.field}`);
    return `${column} ${k.desc ? 'DESC NULLS LAST' : 'ASC NULLS FIRST'}`;
  });
  return [...parts, `${idColumn} ASC`].join(', ');
}
