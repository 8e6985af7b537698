// The auth registry: the stages that make a request acceptable to its receiver, applied in order.
// Standard Webhooks signing is on for every subscription; auth methods towards receivers (JWT
// bearer, Basic, OAuth 2.0, API keys) are added here as files of their own.
import type { DeliveryJob } from '../../store/store.js';
import type { Authorizer, OutgoingRequest } from './authorizer.js';
import { standardWebhooks } from './standard-webhooks.js';

const AUTHORIZERS: Authorizer[] = [standardWebhooks];

/** Runs every authorizer that applies to `job` over `request`. */
export async function authorize(job: DeliveryJob, request: OutgoingRequest, now: number): Promise<void> {
  for (const authorizer of AUTHORIZERS) await authorizer.authorize(job, request, now);
}

export type { Authorizer, OutgoingRequest } from './authorizer.js';
