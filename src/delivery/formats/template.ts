// `template` (seed 004): the subscription's own template document, or a named preset's
// (src/presets/templates/), rendered for the event by template-engine.ts. Compiled once per
// distinct document (cached by its text, bounded), since a template was checked when saved and an
// attempt should only render. The variables are the fan-out filter's (src/domain/cel.ts), with what
// a delivery job knows of the event: `event.subscriberId` is the receiving subscription's
// subscriber and `event.channels` is empty (neither is carried to delivery); `event.description`
// comes from the catalogue (event-descriptions.ts, through the format context). An expression that fails on the event is a FormatError: the attempt fails for good,
// recorded as `format_error: template $.path: {{ expr }}: reason`.
import type { CelVariables } from '../../domain/cel.js';
import type { Subscription } from '../../domain/glossary.js';
import { eventVariables } from '../../fanout/subscription-filter.js';
import { templatePreset } from '../../presets/templates/index.js';
import type { DeliveryJob } from '../../store/store.js';
import { CompileCache } from '../../util/compile-cache.js';
import { FormatError, type PayloadFormatter } from './format.js';
import { type CompiledTemplate, compileTemplate, isTemplateErrors, renderTemplate, type TemplateError } from './template-engine.js';

const MAX_CACHED_TEMPLATES = 1_000; // distinct documents, each at most TEMPLATE_MAX_BYTES (64 KB)

const cache = new CompileCache<CompiledTemplate | TemplateError[]>(MAX_CACHED_TEMPLATES, (key) => compileTemplate(JSON.parse(key)));

/** The document a subscription renders: its own template, or its preset's; null when it has neither. */
export function templateDocument(subscription: Pick<Subscription, 'template' | 'templatePreset'>): unknown {
  if (subscription.templatePreset !== null) return templatePreset(subscription.templatePreset)?.template ?? null;
  return subscription.template;
}

/** The compiled template of a subscription (cached), or throws FormatError. */
export function compiledTemplateOf(subscription: Pick<Subscription, 'template' | 'templatePreset'>): CompiledTemplate {
  const document = templateDocument(subscription);
  if (document === null || document === undefined) throw new FormatError('the subscription has payloadFormat template but no template');
  const compiled = cache.get(JSON.stringify(document));
  if (isTemplateErrors(compiled)) {
    const e = compiled[0] as TemplateError;
    throw new FormatError(`the template does not compile: ${e.path}: ${e.message}`);
  }
  return compiled;
}

/** The variables a delivery job gives its template; `description` from the catalogue. */
export function jobVariables(job: DeliveryJob, description = ''): CelVariables {
  return eventVariables(
    {
      id: job.eventId,
      type: job.eventType,
      dataJson: job.dataJson,
      subscriberId: job.subscription.subscriberId,
      channels: null,
      createdAt: job.eventCreatedAt,
    },
    description,
  );
}

export const template: PayloadFormatter = {
  contentType: 'application/json',
  render: (job, context) => renderTemplate(compiledTemplateOf(job.subscription), jobVariables(job, context.describe?.(job.eventType))),
};
