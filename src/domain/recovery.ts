// Bulk recovery (POST /v1/subscriptions/{id}/recover, DESIGN.md §4): which messages an operator
// may send again at once. `failed` ones have used up their retries; `retrying` ones are waiting
// for their next backoff, and recovering them spares a receiver that is back the wait.
// Bulk resend (POST /v1/messages/resend) sends again whatever a message-log filter selects, one
// bounded page per call, continued with the page's cursor.
import type { MessageStatus } from './glossary.js';

export const RECOVERABLE_STATUSES = ['failed', 'retrying'] as const satisfies readonly MessageStatus[];
export type RecoverableStatus = (typeof RECOVERABLE_STATUSES)[number];

/** What recover takes when the request names no status: failed messages only, as before `status` existed. */
export const DEFAULT_RECOVER_STATUSES: readonly RecoverableStatus[] = ['failed'];

/** Most messages one POST /v1/messages/resend takes (its default); more are left to the next call, by cursor. */
export const MAX_BULK_RESEND = 1_000; // messages per call: one transaction each, short enough not to hold up deliveries
