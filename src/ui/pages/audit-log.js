// #/audit-log (admins): who changed what, newest first. Every filter GET /v1/audit-log takes
// (actor, action, resourceType, resourceId, since, until) lives in the URL, so a link reproduces the
// view, and cursor paging keeps them. Targets link to their page where the dashboard has one.
import { useState } from 'preact/hooks';
import { api, apiPath, html, link, Pager, prettyJson, Time, useLoad } from '../lib.js';

const PAGE = 50;
const FILTERS = ['actor', 'action', 'resourceType', 'resourceId', 'since', 'until'];
const RESOURCE_TYPES = ['event-type', 'subscriber', 'subscription', 'message', 'api-key'];
const ACTIONS = [
  'event-type.create',
  'event-type.update',
  'event-type.delete',
  'event-type.import',
  'subscriber.create',
  'subscriber.update',
  'subscriber.enable',
  'subscriber.disable',
  'subscriber.delete',
  'subscription.create',
  'subscription.update',
  'subscription.enable',
  'subscription.disable',
  'subscription.delete',
  'subscription.recover',
  'subscription.rotate-secret',
  'subscription.rotate-jwt-secret',
  'subscription.test',
  'message.delete',
  'message.resend',
  'api-key.create',
  'api-key.revoke',
];

/** The dashboard page of an audited resource, or null when it has none (or it was deleted). */
function targetLink(type, id, action) {
  if (id === null || action.endsWith('.delete')) return null;
  const e = encodeURIComponent(id);
  if (type === 'subscriber') return link(`/subscribers/${e}`);
  if (type === 'subscription') return link(`/subscriptions/${e}`);
  if (type === 'event-type') return link('/event-types');
  if (type === 'api-key') return link('/api-keys');
  return null;
}

/** ISO time → the value a datetime-local input shows (local time), and back. */
const toLocal = (iso) => {
  if (!iso) return '';
  const d = new Date(iso);
  if (!Number.isFinite(d.getTime())) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocal = (value) => (value ? new Date(value).toISOString() : '');

export function AuditLog({ params }) {
  const filters = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? '']));
  const cursor = params.get('cursor') ?? '';
  const query = { ...filters, cursor, limit: PAGE };
  const { data, error } = useLoad(() => api('GET', apiPath('/v1/audit-log', query)), [JSON.stringify(query)]);
  return html`<h1>Audit log</h1>
    <${Filters} key=${JSON.stringify(filters)} filters=${filters} />
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${!data && !error && html`<p>Loading…</p>`}
    ${
      data &&
      html`<div class="table-wrap"><table data-testid="audit-log">
        <thead><tr><th>Time</th><th>Actor</th><th>Action</th><th>Target</th><th>Details</th></tr></thead>
        <tbody>${data.data.map((e) => html`<${Row} key=${e.id} e=${e} />`)}</tbody>
      </table></div>
      ${data.data.length === 0 && html`<p class="note">No entries${Object.values(filters).some(Boolean) ? ' match these filters' : ''}.</p>`}
      <${Pager} path="/audit-log" params=${params} nextCursor=${data.nextCursor} />`
    }`;
}

function Row({ e }) {
  const target = targetLink(e.resourceType, e.resourceId, e.action);
  return html`<tr data-id=${e.id} data-action=${e.action}>
    <td><${Time} value=${e.createdAt} /></td>
    <td><a href=${link('/audit-log', { actor: e.actor })} title="Only this actor's changes">${e.actor}</a>${e.ip && html`<br /><span class="note">${e.ip}</span>`}</td>
    <td><code>${e.action}</code></td>
    <td class="wrap">
      <span class="note">${e.resourceType}</span>
      ${e.resourceId !== null && html`<br />${target ? html`<a href=${target} data-testid="target">${e.resourceId}</a>` : html`<code>${e.resourceId}</code>`}`}
    </td>
    <td class="text">${e.changes ? html`<details><summary>${Object.keys(e.changes).join(', ')}</summary><pre>${prettyJson(e.changes)}</pre></details>` : '—'}</td>
  </tr>`;
}

function Filters({ filters }) {
  const [f, setF] = useState(filters);
  const set = (name) => (e) => setF({ ...f, [name]: e.target.value });
  function apply(e) {
    e.preventDefault();
    location.hash = link('/audit-log', f);
  }
  return html`<form class="panel filters" onSubmit=${apply} data-testid="audit-filters" aria-label="Filters">
    <div class="filter-grid">
      <div class="field"><label for="f-actor">Actor</label><input id="f-actor" value=${f.actor} placeholder="key_… or admin" onInput=${set('actor')} /></div>
      <div class="field"><label for="f-action">Action</label>
        <select id="f-action" value=${f.action} onChange=${set('action')}>
          <option value="">any</option>
          ${ACTIONS.map((a) => html`<option value=${a}>${a}</option>`)}
        </select></div>
      <div class="field"><label for="f-type">Target type</label>
        <select id="f-type" value=${f.resourceType} onChange=${set('resourceType')}>
          <option value="">any</option>
          ${RESOURCE_TYPES.map((t) => html`<option value=${t}>${t}</option>`)}
        </select></div>
      <div class="field"><label for="f-id">Target id</label><input id="f-id" value=${f.resourceId} onInput=${set('resourceId')} /></div>
      <div class="field"><label for="f-since">Since (local time)</label>
        <input id="f-since" type="datetime-local" value=${toLocal(f.since)} onInput=${(e) => setF({ ...f, since: fromLocal(e.target.value) })} /></div>
      <div class="field"><label for="f-until">Until (local time)</label>
        <input id="f-until" type="datetime-local" value=${toLocal(f.until)} onInput=${(e) => setF({ ...f, until: fromLocal(e.target.value) })} /></div>
    </div>
    <div class="actions"><button type="submit">Apply filters</button> <a href="#/audit-log">Clear</a></div>
  </form>`;
}
