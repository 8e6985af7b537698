// Request bodies by payload format. `standard` wraps the data as {type, timestamp, data} with the
// event's own time, so every attempt of a message sends the same bytes; `raw` sends the data as
// received (what Jiwa does). The stored data is spliced in as text, never parsed again.
import type { PayloadFormat } from '../domain/glossary.js';

export interface PayloadSource {
  eventType: string;
  eventCreatedAt: number;
  dataJson: string;
}

export function buildBody(format: PayloadFormat, source: PayloadSource): string {
  switch (format) {
    case 'raw':
      return source.dataJson;
    case 'standard':
      return `{"type":${JSON.stringify(source.eventType)},"timestamp":"${new Date(source.eventCreatedAt).toISOString()}","data":${source.dataJson}}`;
  }
}
