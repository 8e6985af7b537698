// The chat presets (src/presets/templates/): each compiles, renders JSON with the fields its
// service's incoming webhook requires, and stays within the service's limits when the data is
// large or the description long.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileTemplate, isTemplateErrors, renderTemplate } from '../../src/delivery/formats/template-engine.js';
import type { CelInput } from '../../src/domain/cel.js';
import { TEMPLATE_PRESETS, templatePreset } from '../../src/presets/templates/index.js';

const EVENT = {
  id: 'evt_2CnZ0b7KQx1yE4mVt9sR3wLpHaD',
  type: 'sales_order.created',
  timestamp: Date.parse('2026-03-01T12:00:00.000Z'),
  subscriberId: null,
  channels: null,
  description: 'A sales order was created & <confirmed>',
};
const SMALL = { order: { id: 'SO-1001', total: 150.5, status: 'confirmed' } };
/** Data whose JSON is about 300,000 characters, with quotes, non-ASCII and markup in it. */
const LARGE = { rows: Array.from({ length: 3_000 }, (_, i) => ({ i, note: `ligne n°${i} <b>&"quoted"</b> 🚚 ${'x'.repeat(40)}` })) };
const LONG_TYPE = 'a'.repeat(200); // EVENT_TYPE_NAME_MAX

/** The body a preset gives, parsed. */
function body(name: string, input: CelInput): Record<string, unknown> {
  const preset = templatePreset(name);
  assert.ok(preset, name);
  const t = compileTemplate(preset.template);
  if (isTemplateErrors(t)) assert.fail(`${name} refused: ${JSON.stringify(t)}`);
  const text = renderTemplate(t, input);
  return JSON.parse(text) as Record<string, unknown>;
}
const worst: CelInput = { event: { ...EVENT, type: LONG_TYPE, description: '<&>'.repeat(2_000) }, data: LARGE };

describe('presets: the list', () => {
  it('names slack, teams and discord, each with a description, each compiling', () => {
    assert.deepEqual(
      TEMPLATE_PRESETS.map((p) => p.name),
      ['slack', 'teams', 'discord'],
    );
    for (const p of TEMPLATE_PRESETS) {
      assert.ok(p.description.length > 10, p.name);
      assert.equal(isTemplateErrors(compileTemplate(p.template)), false, p.name);
    }
    assert.equal(templatePreset('nope'), undefined);
  });
});

describe('presets: slack', () => {
  type Block = { type: string; text?: { type: string; text: string }; elements?: { type: string; text: string }[] };

  it('text and a mrkdwn section with the type, the escaped description and the data', () => {
    const b = body('slack', { event: EVENT, data: SMALL });
    assert.equal(b['text'], 'sales_order.created: A sales order was created &amp; &lt;confirmed&gt;');
    const blocks = b['blocks'] as Block[];
    assert.equal(blocks[0]!.type, 'section');
    assert.equal(blocks[0]!.text!.type, 'mrkdwn');
    assert.equal(
      blocks[0]!.text!.text,
      '*sales_order.created*\nA sales order was created &amp; &lt;confirmed&gt;\n```{"order":{"id":"SO-1001","total":150.5,"status":"confirmed"}}```',
    );
    assert.equal(blocks[1]!.type, 'context');
    assert.equal(blocks[1]!.elements![0]!.text, `${EVENT.id} · 2026-03-01T12:00:00.000Z`);
  });

  it('without a description, no empty line', () => {
    const b = body('slack', { event: { ...EVENT, description: '' }, data: {} });
    assert.equal(b['text'], 'sales_order.created');
    assert.equal((b['blocks'] as Block[])[0]!.text!.text, '*sales_order.created*\n```{}```');
  });

  it('large data stays within 3,000 characters a section and 40,000 in text, the code block closed', () => {
    const b = body('slack', worst);
    const text = b['text'] as string;
    assert.ok(text.length > 0 && text.length <= 40_000, `text ${text.length}`);
    const section = (b['blocks'] as Block[])[0]!.text!.text;
    assert.ok(section.length <= 3_000, `section ${section.length}`);
    assert.ok(section.length > 2_500, 'the data is shown as far as the limit allows');
    assert.ok(section.endsWith('…```'), section.slice(-20));
    assert.ok(!section.includes('<b>'), 'markup escaped');
  });
});

describe('presets: teams', () => {
  type Card = {
    type: string;
    version: string;
    $schema: string;
    body: { type: string; text?: string; facts?: { title: string; value: string }[] }[];
  };

  it('a message with one Adaptive Card attachment: type, description, facts and data', () => {
    const b = body('teams', { event: EVENT, data: SMALL });
    assert.equal(b['type'], 'message');
    const attachments = b['attachments'] as { contentType: string; content: Card }[];
    assert.equal(attachments.length, 1);
    assert.equal(attachments[0]!.contentType, 'application/vnd.microsoft.card.adaptive');
    const card = attachments[0]!.content;
    assert.equal(card.type, 'AdaptiveCard');
    assert.equal(card.$schema, 'http://adaptivecards.io/schemas/adaptive-card.json');
    assert.match(card.version, /^1\.\d$/);
    assert.equal(card.body[0]!.text, 'sales_order.created');
    assert.equal(card.body[1]!.text, EVENT.description);
    assert.deepEqual(card.body[2]!.facts, [
      { title: 'Event', value: EVENT.id },
      { title: 'Time', value: '2026-03-01T12:00:00.000Z' },
    ]);
    assert.equal(card.body[3]!.text, JSON.stringify(SMALL));
  });

  it('large data keeps the whole message under 28 KB', () => {
    const preset = templatePreset('teams')!;
    const t = compileTemplate(preset.template);
    if (isTemplateErrors(t)) assert.fail('refused');
    const text = renderTemplate(t, worst);
    assert.ok(Buffer.byteLength(text) <= 28 * 1024, `${Buffer.byteLength(text)} bytes`);
    const card = (JSON.parse(text).attachments[0].content as Card).body;
    assert.ok(card[3]!.text!.endsWith('…'));
    assert.equal(card[3]!.text!.length, 8_000);
  });
});

describe('presets: discord', () => {
  type Embed = { title: string; description: string; timestamp: string; footer: { text: string } };

  it('content with the type and description, an embed with the data', () => {
    const b = body('discord', { event: EVENT, data: SMALL });
    assert.equal(b['content'], '**sales_order.created**\nA sales order was created & <confirmed>');
    const [embed, ...rest] = b['embeds'] as Embed[];
    assert.equal(rest.length, 0);
    assert.equal(embed!.title, 'sales_order.created');
    assert.equal(embed!.description, '```json\n{"order":{"id":"SO-1001","total":150.5,"status":"confirmed"}}\n```');
    assert.equal(embed!.timestamp, '2026-03-01T12:00:00.000Z');
    assert.equal(embed!.footer.text, EVENT.id);
  });

  it('large data: content ≤ 2,000, title ≤ 256, description ≤ 4,096, all of the embed ≤ 6,000', () => {
    const b = body('discord', worst);
    const content = b['content'] as string;
    assert.ok(content.length > 0 && content.length <= 2_000, `content ${content.length}`);
    const embed = (b['embeds'] as Embed[])[0]!;
    assert.ok(embed.title.length <= 256, `title ${embed.title.length}`);
    assert.ok(embed.description.length <= 4_096, `description ${embed.description.length}`);
    assert.ok(embed.description.endsWith('…\n```'));
    assert.ok(embed.title.length + embed.description.length + embed.footer.text.length <= 6_000);
  });
});
