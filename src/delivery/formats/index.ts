// The payload format registry: every name in PAYLOAD_FORMATS has its formatter, or this does not
// compile. To add a format: a file here, its name in the glossary, its entry below.
import type { PayloadFormat } from '../../domain/glossary.js';
import type { DeliveryJob } from '../../store/store.js';
import type { FormatContext } from '../attempt-context.js';
import { acculynx } from './acculynx.js';
import { cloudblue } from './cloudblue.js';
import type { PayloadFormatter } from './format.js';
import { raw } from './raw.js';
import { standard } from './standard.js';
import { template } from './template.js';

export const FORMATS: Record<PayloadFormat, PayloadFormatter> = { standard, raw, acculynx, cloudblue, template };

/** The request body and its Content-Type; a GET sends neither. */
export function formatRequest(job: DeliveryJob, context: FormatContext): { body: string | null; contentType: string | null } {
  if (job.subscription.method === 'GET') return { body: null, contentType: null };
  const formatter = FORMATS[job.subscription.payloadFormat];
  return { body: formatter.render(job, context), contentType: formatter.contentType };
}

export { FormatError, type PayloadFormatter } from './format.js';
