// Discord webhook (https://discord.com/developers/docs/resources/webhook#execute-webhook):
// `content` names the event type and its description; one embed holds the data as a JSON code
// block, the event id as its footer and the event's time as its timestamp.
//
// Limits: content at most 2,000 characters (type at most 200, description cut to 1,500); an
// embed's title 256 (the type), description 4,096 (the data's JSON cut to 4,000 plus 12 of
// fence), footer 2,048, and all of an embed's text 6,000 (here at most about 4,300).
import type { TemplatePreset } from './index.js';

export const discord: TemplatePreset = {
  name: 'discord',
  description: 'Discord webhook: the event type and description as content, the data in an embed',
  template: {
    content: '**{{ event.type }}**{{ event.description == "" ? "" : "\\n" + truncate(event.description, 1500) }}',
    embeds: [
      {
        title: '{{ event.type }}',
        description: '```json\n{{ truncate(json(data), 4000) }}\n```',
        timestamp: '{{ event.timestamp }}',
        footer: { text: '{{ event.id }}' },
      },
    ],
  },
};
