// What an auth method is: a stage that adds headers to a request before it is sent (a signature, a
// bearer token, credentials). One file per method in this folder, registered in index.ts.
import type { DeliveryJob } from '../../store/store.js';

/** The request as the pipeline builds it; authorizers add headers. */
export interface OutgoingRequest {
  headers: Record<string, string>;
  /** The exact bytes sent (signatures cover them); '' for a GET. */
  body: string;
}

export interface Authorizer {
  /** Adds this method's headers for one attempt made at `now` (ms). */
  authorize(job: DeliveryJob, request: OutgoingRequest, now: number): void | Promise<void>;
}
