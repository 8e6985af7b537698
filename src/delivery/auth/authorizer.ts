// What an auth method is: a stage that adds headers to a request before it is sent (a bearer token,
// credentials). One file per method in this folder, registered in index.ts under its type from the
// glossary (AUTH_TYPES); the Standard Webhooks signature (standard-webhooks.ts) runs beside them.
// A header that carries a credential is set with setCredential, which is how the attempt record
// knows to redact it: one rule, whatever the method.
import type { SubscriptionAuth } from '../../domain/glossary.js';
import type { DeliveryJob } from '../../store/store.js';
import type { AttemptContext } from '../attempt-context.js';

/** The request as the pipeline builds it; authorizers add headers. */
export interface OutgoingRequest {
  headers: Record<string, string>;
  /** The exact bytes sent (signatures cover them); '' for a GET. */
  body: string;
  /** Lower-case names of the headers that carry a credential: recorded as `[redacted]`. */
  credentials: Set<string>;
}

/** Sets `name: value` as a credential, replacing a custom header of the same name in any case. */
export function setCredential(request: OutgoingRequest, name: string, value: string): void {
  const lower = name.toLowerCase();
  for (const existing of Object.keys(request.headers)) if (existing.toLowerCase() === lower) delete request.headers[existing];
  request.headers[lower] = value;
  request.credentials.add(lower);
}

/** Why the request could not be authorized (a token endpoint failed): it is not sent, and the
 *  attempt is recorded as `auth_failed: <reason>`. Never holds a credential. */
export interface AuthFailure {
  reason: string;
}

/** One auth method towards receivers, for subscriptions whose `auth` is an `A`. */
export interface Authorizer<A extends SubscriptionAuth = SubscriptionAuth> {
  /** Adds this method's headers (with setCredential) for one attempt; or says why it cannot. */
  authorize(job: DeliveryJob, auth: A, request: OutgoingRequest, context: AttemptContext): AuthFailure | null | Promise<AuthFailure | null>;
  /** The receiver answered 401 to `request`: forgets what it sent (a cached token) and answers
   *  whether one resend, authorized afresh, may succeed. Absent: a 401 is just a failed attempt. */
  unauthorized?(auth: A, request: OutgoingRequest): boolean;
}

/** A stage every request of a subscription goes through when it applies (the signature). */
export interface Signer {
  sign(job: DeliveryJob, request: OutgoingRequest, context: AttemptContext): void;
}
