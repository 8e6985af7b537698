// `cloudblue` (seed 002's POST body): the webhook's fields (cloudblue-claims.ts, the same the JWT
// bearer signs) with the subscription's custom data as `data`. The event's own data is not in it:
// a CloudBlue handler is told that something happened and fetches what it needs from the API
// (`api_url`). `triggered_at` is the attempt's time, so unlike `standard` each attempt's body differs.
import { cloudblueClaims } from '../cloudblue-claims.js';
import type { PayloadFormatter } from './format.js';

export const cloudblue: PayloadFormatter = {
  contentType: 'application/json',
  render: (job, context) => JSON.stringify(cloudblueClaims(job, context)),
};
