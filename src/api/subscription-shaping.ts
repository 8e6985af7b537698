// What a subscription's filter and template may be, checked when saved so that neither fails to
// compile at fan-out or delivery: a filter list compiles (else 422 invalid_filter naming each
// failing expression's index, the expression and the line and column in it), a template compiles
// (else 422 invalid_template naming the JSON path, the expression and the position), and
// payloadFormat template has exactly one of template and templatePreset while every other format
// has neither.
import { compileTemplate, isTemplateErrors } from '../delivery/formats/template-engine.js';
import { HeraldError } from '../domain/errors.js';
import type { PayloadFormat, Subscription, TemplatePresetName } from '../domain/glossary.js';
import { compileFilters, isFilterErrors } from '../fanout/filter.js';

const where = (p: { line: number; column: number }) => `line ${p.line}, column ${p.column}`;

type Located = { expression: string; code: string; message: string; position: { line: number; column: number; offset: number } };

/** An error's fields as the 422's details list them (with `key`: its index or JSON path). */
const detail = <K extends string>(key: K, at: unknown, e: Located) => ({
  [key]: at,
  expression: e.expression,
  code: e.code,
  message: e.message,
  line: e.position.line,
  column: e.position.column,
  offset: e.position.offset,
});

/** The first error's message, saying how many more there are. */
const andMore = (message: string, count: number) => (count > 1 ? `${message} (and ${count - 1} more)` : message);

/** The filter list as given, when it compiles; 422 invalid_filter otherwise. An empty list is kept
 *  (it holds for every event, like null). */
export function checkFilter(filter: string[] | null): string[] | null {
  if (filter === null) return null;
  const compiled = compileFilters(filter);
  if (!isFilterErrors(compiled)) return filter;
  const first = compiled[0]!;
  const message =
    first.index < 0
      ? `filter: ${first.message}`
      : `filter[${first.index}] ${JSON.stringify(first.expression.slice(0, 200))}: ${first.message} at ${where(first.position)}`;
  throw new HeraldError(
    'invalid_filter',
    andMore(message, compiled.length),
    compiled.map((e) => detail('index', e.index, e)),
  );
}

/** The template as given, when it compiles; 422 invalid_template otherwise. */
export function checkTemplate(template: unknown): unknown {
  const compiled = compileTemplate(template);
  if (!isTemplateErrors(compiled)) return template;
  const first = compiled[0]!;
  const hole = first.expression === '' ? '' : ` {{ ${first.expression.slice(0, 200)} }}`;
  const message = `template ${first.path}${hole}: ${first.message} at ${where(first.position)}`;
  throw new HeraldError(
    'invalid_template',
    andMore(message, compiled.length),
    compiled.map((e) => detail('path', e.path, e)),
  );
}

type Shape = Pick<Subscription, 'payloadFormat' | 'template' | 'templatePreset'>;

/**
 * The payload format with its template or preset after a create (`current` null) or an update.
 * Fields left out (undefined) keep their stored value, except that a format other than template
 * given in an update clears a stored template and preset, and setting one of them clears the other:
 * the caller said which one it wants.
 */
export function checkPayloadShape(
  body: { payloadFormat?: PayloadFormat; template?: unknown; templatePreset?: TemplatePresetName | null },
  current: Shape | null,
): Shape {
  const payloadFormat = body.payloadFormat ?? current?.payloadFormat ?? 'standard';
  const given = body.template !== undefined || body.templatePreset !== undefined;
  let template = body.template !== undefined ? body.template : (current?.template ?? null);
  let templatePreset = body.templatePreset !== undefined ? body.templatePreset : (current?.templatePreset ?? null);
  if (current !== null) {
    if (body.template !== undefined && body.template !== null && body.templatePreset === undefined) templatePreset = null;
    if (body.templatePreset !== undefined && body.templatePreset !== null && body.template === undefined) template = null;
    if (payloadFormat !== 'template' && body.payloadFormat !== undefined && !given) {
      template = null;
      templatePreset = null;
    }
  }
  if (payloadFormat === 'template') {
    if ((template === null) === (templatePreset === null)) {
      throw new HeraldError(
        'invalid_template',
        template === null
          ? 'payloadFormat template needs a template (a JSON document with {{ }} holes) or a templatePreset (GET /v1/template-presets)'
          : 'payloadFormat template takes a template or a templatePreset, not both',
        { template: template !== null, templatePreset: templatePreset !== null },
      );
    }
    if (template !== null && body.template !== undefined) checkTemplate(template);
  } else if (template !== null || templatePreset !== null) {
    throw new HeraldError(
      'invalid_template',
      `${template !== null ? 'template' : 'templatePreset'} is only for payloadFormat template, not ${payloadFormat}`,
      { payloadFormat },
    );
  }
  return { payloadFormat, template, templatePreset };
}
