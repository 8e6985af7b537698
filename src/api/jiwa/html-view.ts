// The HTML views of the Jiwa routes (`?format=html`, or a browser's Accept): what ServiceStack's
// razor views give a person who opens /Webhooks/... in a browser. A real document with a readable
// title (Messages, not v_SY_WebhookSubscriber_Messages), column headers that wrap only between the
// words of a field name, each Status number with its seed 001 name beside it, links between
// related records (subscriber → its subscriptions, messages and responses; message → its
// responses; response → its message), previous/next links for AutoQuery pages (Skip moved by
// Take, every other parameter kept), the same request in the other formats, and a link to the
// dashboard. Only the HTML changes: the JSON, XML and CSV shapes are seed 001's contract.
//
// Every value, attribute and link is escaped here; nothing reaches the page unescaped.
import { JiwaDate, type JiwaRow, STATUS_TEXT, valueText } from './dto.js';
import type { JiwaBody } from './format.js';

/** What a person calls each DTO: [title of a list, title of one record]. */
const TITLES: Record<string, [string, string]> = {
  WebHookEvent: ['Events', 'Event'],
  SY_WebhookSubscriber: ['Subscribers', 'Subscriber'],
  SY_WebhookSubscription: ['Subscriptions', 'Subscription'],
  v_SY_WebhookSubscriber_Messages: ['Messages', 'Message'],
  v_SY_WebhookSubscriber_MessageResponses: ['Message responses', 'Message response'],
};

/** Fields whose values are long (JSON bodies, URLs): wrapped anywhere, inside a bounded box. */
const LONG_FIELDS = new Set(['Body', 'URL', 'LastMessageResponseMessage', 'Message']);
const SUBSCRIBER_IN_PATH = /^\/webhooks\/subscribers\/([^/?]+)/i;

export function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A DTO field name with line-break opportunities only between its words: HTTP<wbr>Code, SY_<wbr>Webhook... */
export function headerHtml(name: string): string {
  return htmlEscape(name).replace(/_(?=.)|[a-z0-9](?=[A-Z])|[A-Z](?=[A-Z][a-z])/g, '$&<wbr>');
}

/** Links of one view: each keeps `format=html` when the request named a format, so they stay pages. */
class Links {
  readonly path: string;
  readonly query: URLSearchParams;
  /** The subscriber the request's path names, if any (the views under /Webhooks/Subscribers/{id}). */
  readonly subscriberId: string | null;
  private readonly keepFormat: boolean;

  constructor(url: string) {
    const q = url.indexOf('?');
    this.path = q < 0 ? url : url.slice(0, q);
    this.query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    this.keepFormat = [...this.query.keys()].some((k) => k.toLowerCase() === 'format');
    const m = SUBSCRIBER_IN_PATH.exec(this.path);
    this.subscriberId = m?.[1] ? safeDecode(m[1]) : null;
  }

  /** A path under /Webhooks with its query, as an escaped href value. */
  to(path: string, params: Record<string, string> = {}): string {
    const q = new URLSearchParams(params);
    if (this.keepFormat) q.set('format', 'html');
    const s = q.toString();
    return htmlEscape(s ? `${path}?${s}` : path);
  }

  subscriber(id: string): string {
    return this.to(`/Webhooks/Subscribers/${encodeURIComponent(id)}`);
  }

  subscriptions(id: string): string {
    return this.to(`/Webhooks/Subscribers/${encodeURIComponent(id)}/Subscriptions`);
  }

  subscription(subscriberId: string, id: string): string {
    return this.to(`/Webhooks/Subscribers/${encodeURIComponent(subscriberId)}/Subscriptions/${encodeURIComponent(id)}`);
  }

  messages(subscriberId: string, filter: Record<string, string> = {}): string {
    return this.to(`/Webhooks/Subscribers/${encodeURIComponent(subscriberId)}/Messages`, filter);
  }

  responses(subscriberId: string, filter: Record<string, string> = {}): string {
    return this.to(`/Webhooks/Subscribers/${encodeURIComponent(subscriberId)}/Messages/Responses`, filter);
  }

  /** This request with Skip set to `skip` and every other parameter kept (any case of "skip" replaced). */
  withSkip(skip: number): string {
    const q = new URLSearchParams(this.query);
    for (const key of [...q.keys()]) if (key.toLowerCase() === 'skip') q.delete(key);
    if (skip > 0) q.set('Skip', String(skip));
    const s = q.toString();
    return htmlEscape(s ? `${this.path}?${s}` : this.path);
  }

  /** This request in another format. */
  inFormat(format: string): string {
    const q = new URLSearchParams(this.query);
    for (const key of [...q.keys()]) if (key.toLowerCase() === 'format') q.delete(key);
    q.set('format', format);
    return htmlEscape(`${this.path}?${q}`);
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const a = (href: string, label: string) => `<a href="${href}">${htmlEscape(label)}</a>`;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The record links of one row: field name → href, plus the "Related" links of the row. */
function rowLinks(type: string, row: Partial<JiwaRow>, links: Links): { fields: Record<string, string>; related: string[] } {
  const fields: Record<string, string> = {};
  const related: string[] = [];
  const subscriberId = str(row.SubscriberID) ?? str(row.SY_WebhookSubscriber_RecID) ?? links.subscriberId;
  if (type === 'SY_WebhookSubscriber') {
    const id = str(row.RecID) ?? links.subscriberId;
    if (id) {
      if (row.RecID !== undefined) fields.RecID = links.subscriber(id);
      related.push(
        a(links.subscriptions(id), 'Subscriptions'),
        a(links.messages(id), 'Messages'),
        a(links.responses(id), 'Message responses'),
      );
    }
    return { fields, related };
  }
  if (!subscriberId) return { fields, related };
  if (row.SubscriberID !== undefined) fields.SubscriberID = links.subscriber(subscriberId);
  if (row.SY_WebhookSubscriber_RecID !== undefined) fields.SY_WebhookSubscriber_RecID = links.subscriber(subscriberId);
  const subscriptionId = type === 'SY_WebhookSubscription' ? str(row.RecID) : str(row.SubscriptionID);
  if (subscriptionId) {
    if (type === 'SY_WebhookSubscription') {
      fields.RecID = links.subscription(subscriberId, subscriptionId);
      related.push(
        a(links.messages(subscriberId, { SubscriptionID: subscriptionId }), 'Messages'),
        a(links.responses(subscriberId, { SubscriptionID: subscriptionId }), 'Message responses'),
      );
    } else {
      fields.SubscriptionID = links.subscription(subscriberId, subscriptionId);
    }
  }
  const messageId = str(row.MessageID);
  if (messageId && type === 'v_SY_WebhookSubscriber_Messages') {
    fields.MessageID = links.responses(subscriberId, { MessageID: messageId });
    related.push(a(links.responses(subscriberId, { MessageID: messageId }), 'Responses'));
  }
  if (messageId && type === 'v_SY_WebhookSubscriber_MessageResponses') {
    fields.MessageID = links.messages(subscriberId, { MessageID: messageId });
    related.push(a(links.messages(subscriberId, { MessageID: messageId }), 'Message'));
  }
  return { fields, related };
}

/** One cell's content: the value escaped, linked when it names a record, a Status with its name. */
function cell(field: string, row: Partial<JiwaRow>, href: string | undefined): string {
  const value = row[field];
  const text = htmlEscape(valueText(value));
  if (field === 'Status' && typeof value === 'number' && STATUS_TEXT[value] !== undefined) {
    return `${text} <span class="status s${value}">${htmlEscape(STATUS_TEXT[value])}</span>`;
  }
  if (value instanceof JiwaDate) return `<time datetime="${text}">${text}</time>`;
  if (href && text) return `<a href="${href}">${text}</a>`;
  if (LONG_FIELDS.has(field) && text) return `<div class="long">${text}</div>`;
  return text;
}

function table(type: string, rows: Partial<JiwaRow>[], links: Links): string {
  const first = rows[0];
  if (!first) return '<p>No results.</p>';
  const columns = Object.keys(first);
  const all = rows.map((r) => rowLinks(type, r, links));
  const withRelated = all.some((l) => l.related.length > 0);
  const head = columns.map((c) => `<th scope="col">${headerHtml(c)}</th>`).join('') + (withRelated ? '<th scope="col">Related</th>' : '');
  const body = rows
    .map((r, i) => {
      const l = all[i] as ReturnType<typeof rowLinks>;
      const cells = columns.map((c) => `<td>${cell(c, r, l.fields[c])}</td>`).join('');
      return `<tr>${cells}${withRelated ? `<td class="related">${l.related.join(' · ')}</td>` : ''}</tr>`;
    })
    .join('\n');
  // No scrolling box: a wide table widens the page, which the browser scrolls as a whole.
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function record(type: string, row: Partial<JiwaRow>, links: Links): string {
  const l = rowLinks(type, row, links);
  const lines = Object.keys(row).map((k) => `<tr><th scope="row">${headerHtml(k)}</th><td>${cell(k, row, l.fields[k])}</td></tr>`);
  if (l.related.length > 0) lines.push(`<tr><th scope="row">Related</th><td class="related">${l.related.join(' · ')}</td></tr>`);
  return `<table class="record">\n${lines.join('\n')}\n</table>`;
}

/** "Showing 11–20 of 57" and previous/next links that move Skip by the page size. */
function pager(body: Extract<JiwaBody, { kind: 'query' }>, links: Links): string {
  const { offset, total, rows } = body;
  const size = body.limit ?? rows.length;
  const shown = rows.length === 0 ? `None of ${total} from ${offset + 1}` : `Showing ${offset + 1}–${offset + rows.length} of ${total}`;
  const prev = offset > 0 && size > 0 ? `<a rel="prev" href="${links.withSkip(Math.max(0, offset - size))}">← Previous</a>` : '';
  const next = offset + rows.length < total && size > 0 ? `<a rel="next" href="${links.withSkip(offset + size)}">Next →</a>` : '';
  return `<nav class="pager" aria-label="Pages"><span>${shown}.</span> ${prev} ${next}</nav>`;
}

/** The links at the top: the dashboard, the catalogue, and the subscriber's views when the path names one. */
function navigation(links: Links): string {
  const items = [a('/ui/', 'Herald dashboard'), a(links.to('/Webhooks/Events'), 'Events')];
  const id = links.subscriberId;
  if (id) {
    items.push(
      a(links.subscriber(id), 'Subscriber'),
      a(links.subscriptions(id), 'Subscriptions'),
      a(links.messages(id), 'Messages'),
      a(links.responses(id), 'Message responses'),
    );
  }
  return `<nav class="top" aria-label="Views">${items.join(' · ')}</nav>`;
}

const STYLE = `
body { font: 13px/1.4 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f5f6f8; min-width: max-content; }
nav.top { background: #1d2330; padding: .6rem 1.25rem; }
nav.top a { color: #e4e9f2; }
main { padding: 1rem 1.25rem; }
h1 { font-size: 1.4rem; margin: .25rem 0 .5rem; }
.note { color: #5a6475; }
table { border-collapse: collapse; background: #fff; }
th, td { border: 1px solid #dde1e8; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef0f4; white-space: normal; overflow-wrap: normal; word-break: keep-all; hyphens: none; }
td { overflow-wrap: break-word; }
td .long { min-width: 12rem; max-width: 28rem; overflow-wrap: anywhere; }
td.related, td time { white-space: nowrap; }
.status { display: inline-block; padding: 0 .4rem; border-radius: 999px; font-size: .85em; white-space: nowrap; }
.s0 { background: #e4e7ec; } .s1 { background: #dcf5e3; } .s2 { background: #fff1cc; } .s3 { background: #ffd9d6; }
.pager { display: flex; flex-wrap: wrap; gap: 1rem; margin: .5rem 0; }
`;

/** The HTML view of `body`; `url` is the request's path and query. */
export function renderHtml(body: JiwaBody, url: string, formats: readonly string[]): string {
  const links = new Links(url);
  const [listTitle, oneTitle] = TITLES[body.type] ?? [body.type, body.type];
  const title = body.kind === 'one' ? oneTitle : listTitle;
  const content =
    body.kind === 'one'
      ? record(body.type, body.row, links)
      : body.kind === 'list'
        ? `<p class="note">${body.rows.length} in all.</p>\n${table(body.type, body.rows, links)}`
        : `${pager(body, links)}\n${table(body.type, body.rows, links)}\n${pager(body, links)}`;
  const others = formats.map((f) => `<a href="${links.inFormat(f)}">${htmlEscape(f)}</a>`).join(' · ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${htmlEscape(title)} · Herald</title>
<style>${STYLE}</style>
</head>
<body>
${navigation(links)}
<main>
<h1>${htmlEscape(title)}</h1>
<p class="note"><code>${htmlEscape(links.path)}</code> · view as ${others}</p>
${content}
</main>
</body>
</html>
`;
}
