// `acculynx` (seed 003): {"topicName", "eventDateTime", "eventId", "subscriptionId", "event"}, the
// event's type, its time (ISO 8601 UTC), its id, the subscription's id and the event's data. The
// seed's example spells two keys otherwise ("topicNamee", a typo, and "Event", capitalized, while
// its table says "Type"); the names here are the issue's: camelCase throughout, as the seed's other
// keys are. Like `standard`, it names only the event, so every attempt sends the same bytes; the
// stored data is spliced in as text, never parsed again.
import type { PayloadFormatter } from './format.js';

export const acculynx: PayloadFormatter = {
  contentType: 'application/json',
  render: (job) =>
    `{"topicName":${JSON.stringify(job.eventType)},"eventDateTime":"${new Date(job.eventCreatedAt).toISOString()}",` +
    `"eventId":${JSON.stringify(job.eventId)},"subscriptionId":${JSON.stringify(job.subscription.id)},"event":${job.dataJson}}`,
};
