// Content negotiation and rendering for the Jiwa routes (seed 001): `?format=json|xml|csv|html`
// overrides the content type; without it the Accept header decides, and a browser, which puts
// text/html first, gets an HTML view of the data. Anything else gets JSON.
//
// JSON dates follow HERALD_JIWA_DATE_FORMAT: `wcf` writes "\/Date(1511372206197-0000)\/" as the
// seed's list examples do (ServiceStack's WCF-compatible form, slashes escaped); `iso8601` writes
// "2020-05-20T00:49:09.6770000Z" as its Swagger tutorial does, with the zone made explicit (UTC).
// XML is DataContract-like (elements named after the DTO types), CSV has a header row, and HTML is
// a readable page for people (html-view.ts). Every value is escaped for its format.
import { HeraldError } from '../../domain/errors.js';
import { JiwaDate, type JiwaRow, type JiwaValue, valueText as text } from './dto.js';
import { renderHtml } from './html-view.js';

export const FORMATS = ['json', 'xml', 'csv', 'html'] as const;
export type Format = (typeof FORMATS)[number];
export type DateFormat = 'wcf' | 'iso8601';

export const CONTENT_TYPES: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/** Media types of the Accept header and the format each asks for. */
const ACCEPT_MEDIA: Record<string, Format> = {
  'application/json': 'json',
  'text/json': 'json',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'text/csv': 'csv',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  '*/*': 'json',
  'application/*': 'json',
};

/** What a Jiwa route answers: a list, one record, or an AutoQuery page. `type` names the DTO (XML, HTML). */
export type JiwaBody =
  | { kind: 'list'; type: string; rows: Partial<JiwaRow>[] }
  | { kind: 'one'; type: string; row: Partial<JiwaRow> }
  | {
      kind: 'query';
      type: string;
      offset: number;
      total: number;
      rows: Partial<JiwaRow>[];
      /** Take, the page size: for the HTML view's paging links. */
      limit?: number;
    };

export interface Rendered {
  contentType: string;
  payload: string;
}

/** The format asked for: `format` (query or body parameter) first, then Accept, else JSON. */
export function negotiate(format: string | undefined, accept: string | undefined): Format {
  if (format !== undefined) {
    const wanted = format.toLowerCase();
    if (!(FORMATS as readonly string[]).includes(wanted))
      throw new HeraldError('validation_failed', 'format must be json, xml, csv or html');
    return wanted as Format;
  }
  if (!accept) return 'json';
  const ranked = accept
    .split(',')
    .slice(0, 32) // a header of hundreds of types is not worth reading
    .map((part, index) => {
      const [media = '', ...options] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = options.find((o) => o.startsWith('q='));
      const quality = q ? Number(q.slice(2)) : 1;
      return { media, quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((m) => m.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const m of ranked) {
    const found = ACCEPT_MEDIA[m.media];
    if (found) return found;
  }
  return 'json';
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}

// ---- JSON ----

const WCF_MARK = /"\/Date\((-?\d+)-0000\)\/"/g;

function json(body: JiwaBody, dates: DateFormat): string {
  const value =
    body.kind === 'list'
      ? body.rows
      : body.kind === 'one'
        ? body.row
        : { Offset: body.offset, Total: body.total, Results: body.rows, Meta: { Total: String(body.total) } };
  const out = JSON.stringify(value, (_key, v: unknown) => {
    if (!(v instanceof JiwaDate)) return v;
    return dates === 'wcf' ? `/Date(${v.ms}-0000)/` : isoDate(v.ms).replace(/Z$/, '0000Z');
  });
  // JSON.stringify does not escape "/"; ServiceStack writes the WCF form as "\/Date(...)\/". A JSON
  // string inside a string (Body) has its quotes escaped, so it never matches.
  return dates === 'wcf' ? out.replace(WCF_MARK, '"\\/Date($1-0000)\\/"') : out;
}

// ---- XML ----

function xmlEscape(s: string): string {
  // Characters XML 1.0 cannot carry at all are dropped.
  return s
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function xmlRow(type: string, row: Partial<JiwaRow>): string {
  const fields = Object.entries(row).map(([k, v]) =>
    v === null || v === undefined ? `<${k} i:nil="true" />` : `<${k}>${xmlEscape(text(v))}</${k}>`,
  );
  return `<${type}>${fields.join('')}</${type}>`;
}

const XML_NAMESPACES =
  'xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/JiwaFinancials.Jiwa.JiwaServiceModel"';

function xml(body: JiwaBody): string {
  const head = '<?xml version="1.0" encoding="utf-8"?>';
  if (body.kind === 'one') return `${head}${xmlRow(body.type, body.row).replace(`<${body.type}>`, `<${body.type} ${XML_NAMESPACES}>`)}`;
  const rows = body.rows.map((r) => xmlRow(body.type, r)).join('');
  if (body.kind === 'list') return `${head}<ArrayOf${body.type} ${XML_NAMESPACES}>${rows}</ArrayOf${body.type}>`;
  const meta = `<Meta><KeyValueOfstringstring><Key>Total</Key><Value>${body.total}</Value></KeyValueOfstringstring></Meta>`;
  return `${head}<QueryResponseOf${body.type} ${XML_NAMESPACES}><Offset>${body.offset}</Offset><Total>${body.total}</Total><Results>${rows}</Results>${meta}</QueryResponseOf${body.type}>`;
}

// ---- CSV ----

function csvCell(value: JiwaValue | undefined): string {
  const s = text(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(body: JiwaBody): string {
  const rows = body.kind === 'one' ? [body.row] : body.rows;
  const first = rows[0];
  if (!first) return '';
  const columns = Object.keys(first);
  const lines = [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

export function render(format: Format, body: JiwaBody, options: { dates: DateFormat; url: string }): Rendered {
  const payload =
    format === 'json'
      ? json(body, options.dates)
      : format === 'xml'
        ? xml(body)
        : format === 'csv'
          ? csv(body)
          : renderHtml(body, options.url, FORMATS);
  return { contentType: CONTENT_TYPES[format], payload };
}
