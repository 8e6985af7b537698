// GET /v1/template-presets: the integration presets a subscription with payloadFormat template
// may name in templatePreset instead of writing a template (src/presets/templates/).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { TEMPLATE_PRESETS } from '../../presets/templates/index.js';
import type { ApiContext } from '../context.js';
import { errorResponses, Page } from '../schemas.js';

const TemplatePresetItem = Type.Object({
  name: Type.String({ description: 'What templatePreset names' }),
  description: Type.String(),
  template: Type.Unknown({ description: 'The template document the preset renders' }),
});

export const templatePresetRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app) => {
  app.get(
    '/template-presets',
    {
      config: { action: 'subscriptions.read' },
      schema: {
        tags: ['subscriptions'],
        summary: 'The template presets (Slack, Microsoft Teams, Discord) for payloadFormat template',
        response: { 200: Page(TemplatePresetItem), ...errorResponses },
      },
    },
    async () => ({
      data: TEMPLATE_PRESETS.map((p) => ({ name: p.name, description: p.description, template: p.template })),
      nextCursor: null,
    }),
  );
};
