// The message log (#/messages): GET /v1/messages with its filters, newest first, paged by cursor.
// The URL is the state: the filters, `cursor` (this page) and `trail` (the cursors of the pages
// before it, '.'-separated; the first page has none) live in the hash query, so a copied link shows
// the same page and browser Back returns to the previous one. The form only writes the URL.
// Bulk resend (POST /v1/messages/resend) sends the whole filtered set again, after a confirmation.

import { useState } from 'preact/hooks';
import { api, apiPath, canWrite, count, html, link, MESSAGE_STATUSES, scope, useLoad } from '../lib.js';

/** The hash query keys that select messages (GET /v1/messages' filters). */
export const FILTERS = ['status', 'subscriptionId', 'subscriberId', 'eventType', 'since', 'until'];
const PAGE_SIZES = [20, 50, 100];
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000; // GET /v1/messages' most
const BULK_CALLS = 20; // POST /v1/messages/resend calls one confirmation makes at most (each takes up to 1000)
const TIME_HINT = 'use a time like 2026-12-01T10:00:00Z';

/** The filters given in the URL, without empty ones. */
function filtersOf(params) {
  const out = {};
  for (const k of FILTERS) {
    const v = params.get(k);
    if (v) out[k] = v;
  }
  return out;
}

const MESSAGE_ID = /^msg_[0-9A-HJKMNP-TV-Z]{26}$/; // as src/domain/ids.ts writes them

/** What is wrong with a (hand-edited) link, said before asking the API, which refuses it too. */
function linkProblem(filters, limit, cursors) {
  for (const k of ['since', 'until']) {
    if (filters[k] !== undefined && Number.isNaN(Date.parse(filters[k]))) return `${k} "${filters[k]}" is not a time: ${TIME_HINT}.`;
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return `limit must be a whole number from 1 to ${MAX_LIMIT}.`;
  if (cursors.some((c) => !MESSAGE_ID.test(c))) return 'This page link is damaged (its cursor is not a message id): go to the first page.';
  return null;
}

/** An ISO time as a datetime-local value in this browser's zone ('' when there is none). */
function toLocalInput(iso) {
  const ms = Date.parse(iso ?? '');
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 19);
}

/** A datetime-local value (this browser's zone) as an ISO time ('' stays ''). */
function fromLocalInput(value) {
  if (!value) return '';
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

export function when(iso) {
  if (!iso) return '—';
  return html`<time datetime=${iso} title=${iso}>${new Date(iso).toLocaleString()}</time>`;
}

export function StatusBadge({ status }) {
  return html`<span class=${`badge status-${status}`} data-testid="status">${status}</span>`;
}

export function Messages({ params }) {
  const filters = filtersOf(params);
  const limit = params.has('limit') ? Number(params.get('limit')) : DEFAULT_LIMIT;
  const cursor = params.get('cursor') ?? '';
  const trail = (params.get('trail') ?? '').split('.').filter(Boolean);
  const query = params.toString();
  const problem = linkProblem(filters, limit, cursor ? [cursor, ...trail] : trail);

  const names = useLoad(async () => {
    const [subs, sbrs] = await Promise.all([api('GET', '/v1/subscriptions?limit=1000'), api('GET', '/v1/subscribers?limit=1000')]);
    return {
      subscriptions: subs.data.map((s) => ({ id: s.id, name: s.name ?? s.url })),
      subscribers: sbrs.data.map((s) => ({ id: s.id, name: s.name ?? s.id })),
    };
  }, []);
  const list = useLoad(async () => {
    if (problem) throw new Error(problem);
    const [page, total] = await Promise.all([
      api('GET', apiPath('/v1/messages', { ...filters, limit, cursor })),
      count(apiPath('/v1/messages', filters)),
    ]);
    return { ...page, total };
  }, [query]);

  /** A link to this log with other parameters; paging ones are dropped unless given. */
  const to = (over) => link('/messages', { ...filters, limit: limit === DEFAULT_LIMIT ? '' : limit, ...over });
  const next = list.data?.nextCursor ? to({ cursor: list.data.nextCursor, trail: cursor ? [...trail, cursor].join('.') : '' }) : null;
  const previous = cursor ? to({ cursor: trail.at(-1) ?? '', trail: trail.slice(0, -1).join('.') }) : null;
  const pageNumber = cursor ? trail.length + 2 : 1;
  const nameOf = (kind, id) => names.data?.[kind].find((x) => x.id === id)?.name ?? id;
  // The bulk resend's outcome outlives the list's reload it causes, for the view it was made in.
  const [bulk, setBulk] = useState({ query: '', text: '' });
  const report = (text) => setBulk({ query, text });

  return html`<h1>Messages</h1>
    <${FilterForm} filters=${filters} limit=${limit} names=${names.data} to=${to} />
    ${bulk.text && bulk.query === query && html`<p role="status" data-testid="bulk-result">${bulk.text}</p>`}
    ${
      list.error &&
      html`<p class="error" role="alert" data-testid="messages-error">
        Could not load the messages: ${list.error} <a href="#/messages">Show all messages</a>
      </p>`
    }
    ${!list.data && !list.error && html`<p>Loading…</p>`}
    ${
      list.data &&
      html`<div class="toolbar">
          <span class="note" data-testid="messages-total">${list.data.total} message${list.data.total === '1' ? '' : 's'} match; page ${pageNumber}.</span>
          ${canWrite() && list.data.total !== '0' && html`<${BulkResend} filters=${filters} total=${list.data.total} report=${report} done=${list.reload} />`}
        </div>
        <div class="table-wrap"><table class="messages" data-testid="messages">
          <thead><tr><th>Message</th><th>Event type</th><th>Subscription</th><th>Subscriber</th><th>Status</th><th>Attempts</th><th>Created</th><th>Next attempt</th></tr></thead>
          <tbody>
            ${list.data.data.map(
              (m) => html`<tr data-id=${m.id} data-status=${m.status} data-subscription=${m.subscriptionId}>
                <td class="id"><a href=${`#/messages/${encodeURIComponent(m.id)}`}>${m.id}</a></td>
                <td>${m.eventType}</td>
                <td><a href=${`#/subscriptions/${encodeURIComponent(m.subscriptionId)}`}>${nameOf('subscriptions', m.subscriptionId)}</a></td>
                <td>${nameOf('subscribers', m.subscriberId)}</td>
                <td><${StatusBadge} status=${m.status} /></td>
                <td>${m.attempts}</td>
                <td>${when(m.createdAt)}</td>
                <td>${when(m.nextAttemptAt)}</td>
              </tr>`,
            )}
          </tbody>
        </table></div>
        ${list.data.data.length === 0 && html`<p class="note">No messages match these filters.</p>`}
        <nav class="toolbar pager" aria-label="Pages">
          ${cursor && html`<a href=${to({})} data-testid="first-page">First page</a>`}
          ${previous && html`<a href=${previous} rel="prev" data-testid="previous-page">Previous</a>`}
          ${next && html`<a href=${next} rel="next" data-testid="next-page">Next page</a>`}
        </nav>`
    }`;
}

/** The page sizes offered: the usual ones and the link's own (a valid one). */
function pageSizes(limit) {
  const valid = Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIMIT;
  return [...new Set([...PAGE_SIZES, ...(valid ? [limit] : [])])].sort((a, b) => a - b);
}

/** The filters as real form controls; applying one writes the URL (dropping the page). */
function FilterForm({ filters, limit, names, to }) {
  const subscriptions = names?.subscriptions ?? [];
  const subscribers = names?.subscribers ?? [];
  // An id in the URL the lists do not hold (not loaded yet, or beyond them) is still an option.
  const withCurrent = (list, id) => (id && !list.some((x) => x.id === id) ? [...list, { id, name: id }] : list);
  const apply = (form) => {
    const data = new FormData(form);
    const value = (k) => String(data.get(k) ?? '').trim();
    location.hash = to({
      status: value('status'),
      subscriptionId: value('subscriptionId'),
      subscriberId: value('subscriberId'),
      eventType: value('eventType'),
      since: fromLocalInput(value('since')),
      until: fromLocalInput(value('until')),
      limit: Number(value('limit')) === DEFAULT_LIMIT ? '' : value('limit'),
    });
  };
  const submit = (e) => {
    e.preventDefault();
    apply(e.currentTarget);
  };
  const change = (e) => apply(e.currentTarget.form);
  // Keyed by the filters, so going Back shows the URL's values, not what was last typed.
  return html`<form class="filters" onSubmit=${submit} data-testid="filters" key=${JSON.stringify([filters, limit])}>
    <label>Status
      <select name="status" id="filter-status" value=${filters.status ?? ''} onChange=${change}>
        <option value="">any</option>
        ${MESSAGE_STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
      </select>
    </label>
    <label>Subscription
      <select name="subscriptionId" id="filter-subscription" value=${filters.subscriptionId ?? ''} onChange=${change}>
        <option value="">any</option>
        ${withCurrent(subscriptions, filters.subscriptionId).map((s) => html`<option value=${s.id}>${s.name}</option>`)}
      </select>
    </label>
    ${
      scope.value !== 'subscriber' &&
      html`<label>Subscriber
        <select name="subscriberId" id="filter-subscriber" value=${filters.subscriberId ?? ''} onChange=${change}>
          <option value="">any</option>
          ${withCurrent(subscribers, filters.subscriberId).map((s) => html`<option value=${s.id}>${s.name}</option>`)}
        </select>
      </label>`
    }
    <label>Event type
      <input name="eventType" id="filter-event-type" value=${filters.eventType ?? ''} placeholder="order.created" />
    </label>
    <label>Created since
      <input type="datetime-local" step="1" name="since" id="filter-since" value=${toLocalInput(filters.since)} />
    </label>
    <label>Created before
      <input type="datetime-local" step="1" name="until" id="filter-until" value=${toLocalInput(filters.until)} />
    </label>
    <label>Per page
      <select name="limit" id="filter-limit" value=${String(limit)} onChange=${change}>
        ${pageSizes(limit).map((n) => html`<option value=${String(n)}>${n}</option>`)}
      </select>
    </label>
    <div class="actions">
      <button type="submit">Apply filters</button>
      <a href="#/messages" data-testid="clear-filters">Clear</a>
    </div>
  </form>`;
}

/** "Resend these N messages", then a confirmation, then POST /v1/messages/resend page by page. */
function BulkResend({ filters, total, report, done }) {
  const [step, setStep] = useState('idle');
  const described = Object.entries(filters)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  async function confirm() {
    setStep('working');
    report('Resending…');
    let resent = 0;
    let inFlight = 0;
    let cursor = null;
    try {
      for (let call = 0; call < BULK_CALLS; call++) {
        const r = await api('POST', '/v1/messages/resend', { ...filters, ...(cursor ? { cursor } : {}) });
        resent += r.resent;
        inFlight += r.inFlight;
        cursor = r.nextCursor;
        if (!cursor) break;
      }
      const left = inFlight > 0 ? ` ${inFlight} had an attempt under way and were left to it.` : '';
      const more = cursor ? ' More match: press the button again to go on.' : '';
      report(`Resent ${resent} message${resent === 1 ? '' : 's'}.${left}${more}`);
      done();
    } catch (e) {
      setStep('idle');
      report(`Not resent: ${e.message}`);
    }
  }
  if (step === 'confirm') {
    return html`<div class="confirm" role="group" aria-label="Confirm bulk resend" data-testid="bulk-confirm">
      <span>Send ${total} message${total === '1' ? '' : 's'} (${described || 'every message'}) again now, with a fresh retry budget?</span>
      <button type="button" onClick=${confirm} data-testid="bulk-confirm-yes">Yes, resend ${total}</button>
      <button type="button" class="secondary" onClick=${() => setStep('idle')}>Cancel</button>
    </div>`;
  }
  return html`<button type="button" disabled=${step === 'working'} onClick=${() => setStep('confirm')} data-testid="bulk-resend">
    Resend these ${total} message${total === '1' ? '' : 's'}
  </button>`;
}
