// The auth registry: what makes a request acceptable to its receiver. The Standard Webhooks
// signature when the subscription has `signing` on (the default), then the subscription's auth
// method, if any: every name in AUTH_TYPES has its authorizer here, or this does not compile.
import type { AuthType, SubscriptionAuth } from '../../domain/glossary.js';
import type { DeliveryJob } from '../../store/store.js';
import type { AttemptContext } from '../attempt-context.js';
import { apiKey } from './api-key.js';
import type { AuthFailure, Authorizer, OutgoingRequest } from './authorizer.js';
import { basic } from './basic.js';
import { jwt } from './jwt.js';
import { oauth2 } from './oauth2.js';
import { standardWebhooks } from './standard-webhooks.js';

export const AUTHORIZERS: { [T in AuthType]: Authorizer<Extract<SubscriptionAuth, { type: T }>> } = { jwt, basic, oauth2, apiKey };

/** The authorizer of `auth`'s type, typed for it (the registry's type guarantees the match). */
function authorizerOf<A extends SubscriptionAuth>(auth: A): Authorizer<A> {
  return AUTHORIZERS[auth.type] as unknown as Authorizer<A>;
}

/** Signs `request` (when the subscription signs) and adds its auth method's headers; or the reason
 *  the method could not authorize it. */
export async function authorize(job: DeliveryJob, request: OutgoingRequest, context: AttemptContext): Promise<AuthFailure | null> {
  const { signing, auth } = job.subscription;
  if (signing) standardWebhooks.sign(job, request, context);
  return auth === null ? null : authorizerOf(auth).authorize(job, auth, request, context);
}

/** The receiver answered 401 to `request`: whether one fresh resend may succeed (the auth method
 *  has dropped what it sent, e.g. a cached OAuth 2.0 token). */
export function unauthorized(job: DeliveryJob, request: OutgoingRequest): boolean {
  const { auth } = job.subscription;
  return auth !== null && (authorizerOf(auth).unauthorized?.(auth, request) ?? false);
}

export { type AuthFailure, type Authorizer, type OutgoingRequest, setCredential } from './authorizer.js';
