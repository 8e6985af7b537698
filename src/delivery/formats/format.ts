// What a payload format is: how a message's request body is written. One file per format in this
// folder, each registered in index.ts under its name from the glossary (PAYLOAD_FORMATS).

import type { DeliveryJob } from '../../store/store.js';
import type { FormatContext } from '../attempt-context.js';

export interface PayloadFormatter {
  /** The Content-Type of the bodies it writes. */
  contentType: string;
  /** The body for one attempt of `job`, made at `context.now`. Formats that name only the event
   *  (standard, raw, acculynx) ignore the context, so every attempt sends the same bytes. Throws
   *  FormatError when the event cannot be rendered. */
  render(job: DeliveryJob, context: FormatContext): string;
}

/** The event cannot be given this format: the attempt fails for good, with this message. */
export class FormatError extends Error {}
