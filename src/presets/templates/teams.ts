// Microsoft Teams: an Adaptive Card in a `message`, what a Teams Workflows webhook ("When a Teams
// webhook request is received") posts to a channel, and what replaces the retired Office 365
// connectors' MessageCard. The card shows the event type, its description, the event's id and time
// as facts, and the data as JSON in a monospace block.
//
// Limits: Teams refuses messages over about 28 KB. The data's JSON is cut to 8,000 characters
// and the description to 500: even at 3 bytes per character in UTF-8 that is under 26 KB with the
// card around it.
import type { TemplatePreset } from './index.js';

export const teams: TemplatePreset = {
  name: 'teams',
  description: 'Microsoft Teams (Workflows webhook): an Adaptive Card with the event type, description, id, time and data',
  template: {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: '{{ event.type }}', weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'TextBlock', text: '{{ truncate(event.description, 500) }}', isSubtle: true, wrap: true },
            {
              type: 'FactSet',
              facts: [
                { title: 'Event', value: '{{ event.id }}' },
                { title: 'Time', value: '{{ event.timestamp }}' },
              ],
            },
            { type: 'TextBlock', text: '{{ truncate(json(data), 8000) }}', fontType: 'Monospace', wrap: true },
          ],
        },
      },
    ],
  },
};
