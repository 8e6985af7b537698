// `raw`: the event's data as the body, as received (what Jiwa sends).
import type { PayloadFormatter } from './format.js';

export const raw: PayloadFormatter = {
  contentType: 'application/json',
  render: (job) => job.dataJson,
};
