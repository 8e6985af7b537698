// The built-in operator subscriber of operational webhooks (src/domain/operational.ts) comes into
// being when an operator first subscribes it: `POST /v1/subscribers/sbr_00000000000000000000000000/
// subscriptions`. Until then it is in no subscriber list, Jiwa's `ItemNo` counts and the like, and
// nothing is reported (reportOperations finds no one to report to).
import { HeraldError } from '../domain/errors.js';
import { OPERATOR_SUBSCRIBER_ID, operationalRecords } from '../domain/operational.js';
import type { Store } from '../store/store.js';

/** Creates the operator subscriber unless it exists (another process may create it at the same time). */
export async function ensureOperatorSubscriber(store: Store): Promise<void> {
  if ((await store.getSubscriber(OPERATOR_SUBSCRIBER_ID)) !== null) return;
  try {
    await store.createSubscriber(operationalRecords(Date.now()).subscriber);
  } catch (err) {
    if (!(err instanceof HeraldError && err.code === 'conflict')) throw err; // another process was first
  }
}
