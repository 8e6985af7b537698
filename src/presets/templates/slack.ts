// Slack incoming webhook (https://api.slack.com/messaging/webhooks): `text` is the notification's
// fallback, `blocks` what the channel shows: a section in mrkdwn (the event type in bold, its
// description, the data as JSON in a code block) and a context line (event id and time).
//
// Limits: a section's text is at most 3,000 characters (and `text` 40,000): the type is at most 200
// (EVENT_TYPE_NAME_MAX), the description is cut to 500 and the data's JSON to 2,250, so the
// section stays under 2,960 with its markup. Slack's mrkdwn needs &, < and > escaped; escaping
// comes before cutting, so the cut counts the escaped text.
import type { TemplatePreset } from './index.js';

const escaped = (expr: string) => `${expr}.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")`;
const description = `{{ event.description == "" ? "" : "\\n" + truncate(${escaped('event.description')}, 500) }}`;

export const slack: TemplatePreset = {
  name: 'slack',
  description: 'Slack incoming webhook: the event type as text, and blocks with its description and data',
  template: {
    text: `{{ event.type + (event.description == "" ? "" : ": " + truncate(${escaped('event.description')}, 500)) }}`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*{{ event.type }}*${description}\n\`\`\`{{ truncate(${escaped('json(data)')}, 2250) }}\`\`\``,
        },
      },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: '{{ event.id }} · {{ event.timestamp }}' }],
      },
    ],
  },
};
