// `standard`, the default: {type, timestamp, data} with the event's own time, so every attempt of a
// message sends the same bytes. The stored data is spliced in as text, never parsed again.
import type { PayloadFormatter } from './format.js';

export const standard: PayloadFormatter = {
  contentType: 'application/json',
  render: (job) =>
    `{"type":${JSON.stringify(job.eventType)},"timestamp":"${new Date(job.eventCreatedAt).toISOString()}","data":${job.dataJson}}`,
};
