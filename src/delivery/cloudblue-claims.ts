// Seed 002's (CloudBlue Connect) webhook fields, built once for both places they go: the
// `cloudblue` payload format's body and the JWT bearer's claims (auth/jwt.ts adds `exp`).
// Mapping to Herald's nouns:
//   webhook_id          the subscription's id
//   webhook_name        its name; its id when it has none (the claim is a string in the seed, never
//                       null, and the id is what a handler can look up)
//   object_class        the event type
//   account_id          the subscriber's id
//   product_id          the subscription's first channel; null when it takes every channel (a
//                       CloudBlue webhook watches exactly one product; a channel is Herald's scope)
//   api_url             HERALD_PUBLIC_URL + /v1/
//   triggered_at        when this attempt is made
//   last_success_at     the subscription's health.lastSuccessAt, or null
//   last_failure_at     its health.lastFailureAt, or null
//   processing_timeout  its timeoutSeconds, whole seconds rounded up
//   data                its customData; {} when it has none
// Times are written as the seed writes them: `2021-05-27T09:54:03+00:00` (seconds, UTC offset).
import type { DeliveryJob } from '../store/store.js';
import type { FormatContext } from './attempt-context.js';

export interface CloudblueClaims {
  webhook_id: string;
  webhook_name: string;
  object_class: string;
  account_id: string;
  product_id: string | null;
  api_url: string;
  triggered_at: string;
  last_success_at: string | null;
  last_failure_at: string | null;
  processing_timeout: number;
  data: Record<string, unknown>;
}

/** Every claim name, in the seed's order: what a receiver can expect in each JWT (src/receiver/). */
export const CLOUDBLUE_CLAIM_NAMES = [
  'webhook_id',
  'webhook_name',
  'object_class',
  'account_id',
  'product_id',
  'api_url',
  'triggered_at',
  'last_success_at',
  'last_failure_at',
  'processing_timeout',
  'data',
] as const satisfies readonly (keyof CloudblueClaims)[];

/** `2021-05-27T09:54:03+00:00`: ISO 8601 in UTC to the second, as seed 002 shows it. */
export function cloudblueTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

/** Seed 002's fields for an attempt of `job` made at `context.now`, in the seed's order. */
export function cloudblueClaims(job: DeliveryJob, { now, publicUrl }: FormatContext): CloudblueClaims {
  const { subscription } = job;
  const { lastSuccessAt, lastFailureAt } = subscription.health;
  return {
    webhook_id: subscription.id,
    webhook_name: subscription.name ?? subscription.id,
    object_class: job.eventType,
    account_id: subscription.subscriberId,
    product_id: subscription.channels?.[0] ?? null,
    api_url: `${publicUrl}/v1/`,
    triggered_at: cloudblueTime(now),
    last_success_at: lastSuccessAt === null ? null : cloudblueTime(lastSuccessAt),
    last_failure_at: lastFailureAt === null ? null : cloudblueTime(lastFailureAt),
    processing_timeout: Math.ceil(subscription.timeoutSeconds),
    data: subscription.customData ?? {},
  };
}
