// Named payload templates for chat services' incoming webhooks (DESIGN.md §5): a subscription whose
// format is `template` may start from one instead of writing its own. Each is a template document
// for src/delivery/formats/template-engine.ts, rendered from the event type, its description and
// the data, and kept within its service's field limits with the environment's `truncate(s, n)` and
// `json(v)` (src/domain/cel.ts): CEL's own string functions cannot cut a string to a length, nor
// write a value as JSON.
import type { JsonValue } from '../../domain/cel.js';
import { discord } from './discord.js';
import { slack } from './slack.js';
import { teams } from './teams.js';

export interface TemplatePreset {
  name: string;
  description: string;
  template: JsonValue;
}

export const TEMPLATE_PRESETS: readonly TemplatePreset[] = [slack, teams, discord];

export function templatePreset(name: string): TemplatePreset | undefined {
  return TEMPLATE_PRESETS.find((p) => p.name === name);
}
