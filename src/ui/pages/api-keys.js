// #/api-keys (admins): the API keys, newest first, a page at a time (the cursor is in the URL);
// create one (the key is shown once, with a copy button) and revoke one after a confirmation.
// The API keeps only a key's hash, so nothing here can show a key again.
import { useState } from 'preact/hooks';
import { api, ConfirmButton, CopyButton, Field, fieldErrors, html, link, Pager, Time, useKept, useLoad } from '../lib.js';

const PAGE = 50;
const SCOPES = [
  ['read', 'read: every GET except secrets (dashboards, monitoring)'],
  ['ingest', 'ingest: POST /v1/events only (producers)'],
  ['subscriber', 'subscriber: one subscriber’s own subscriptions and messages'],
  ['admin', 'admin: everything'],
];

export function ApiKeys({ params }) {
  const cursor = params.get('cursor');
  const loaded = useLoad(() => api('GET', `/v1/api-keys?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`), [cursor]);
  const { error, reload } = loaded;
  const data = useKept(loaded.data, cursor);
  return html`<h1>API keys</h1>
    <${NewKey} onCreated=${reload} />
    ${error && html`<p class="error">${error}</p>`}
    ${!data && !error && html`<p>Loading…</p>`}
    ${
      data &&
      html`<div class="table-wrap"><table data-testid="api-keys">
        <thead><tr><th>Name</th><th>Scope</th><th>Subscriber</th><th>Created</th><th>Expires</th><th>Limits</th><th>State</th><th>Actions</th></tr></thead>
        <tbody>${data.data.map((k) => html`<${Row} key=${k.id} k=${k} reload=${reload} />`)}</tbody>
      </table></div>
      ${data.data.length === 0 && html`<p class="note">No API keys${cursor ? ' on this page' : ' yet'} (the configured HERALD_ADMIN_KEY is not listed).</p>`}
      <${Pager} path="/api-keys" params=${params} nextCursor=${data.nextCursor} />`
    }`;
}

function state(k) {
  if (k.revokedAt) return html`<span class="badge disabled">revoked</span> <${Time} value=${k.revokedAt} />`;
  if (!k.active) return html`<span class="badge degraded">expired</span>`;
  return html`<span class="badge healthy">active</span>`;
}

function Row({ k, reload }) {
  const limits = [
    k.allowedIps ? `from ${k.allowedIps.join(', ')}` : null,
    k.rateLimit !== null ? `${k.rateLimit || 'unlimited'} req/s` : null,
  ].filter(Boolean);
  return html`<tr data-id=${k.id}>
    <td class="text">${k.name}<br /><code class="note">${k.id}</code></td>
    <td>${k.scope}</td>
    <td>${k.subscriberId ? html`<a href=${link(`/subscribers/${encodeURIComponent(k.subscriberId)}`)}>${k.subscriberId}</a>` : '—'}</td>
    <td><${Time} value=${k.createdAt} /></td>
    <td>${k.expiresAt ? html`<${Time} value=${k.expiresAt} />` : 'never'}</td>
    <td class="text">${limits.length ? limits.join('; ') : '—'}</td>
    <td data-testid="state">${state(k)}</td>
    <td>${
      k.revokedAt
        ? ''
        : html`<${ConfirmButton}
            label="Revoke"
            testid="revoke"
            question=${`Revoke ${k.name}? Requests with it are refused from now on.`}
            confirmLabel="Yes, revoke"
            onConfirm=${async () => {
              await api('POST', `/v1/api-keys/${encodeURIComponent(k.id)}/revoke`);
              reload();
            }}
          />`
    }</td>
  </tr>`;
}

/** A datetime-local value (the browser's zone) as ISO 8601, or undefined when empty. */
function isoFromLocal(value) {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? new Date(ms).toISOString() : value;
}

function NewKey({ onCreated }) {
  const [form, setForm] = useState({ name: '', scope: 'read', subscriberId: '', expiresAt: '', allowedIps: '', rateLimit: '' });
  const [errors, setErrors] = useState({});
  const [created, setCreated] = useState(null);
  const subscribers = useLoad(
    () => (form.scope === 'subscriber' ? api('GET', '/v1/subscribers?limit=1000') : Promise.resolve(null)),
    [form.scope],
  );
  const set = (field) => (e) => setForm({ ...form, [field]: e.target.value });
  async function submit(e) {
    e.preventDefault();
    const body = { name: form.name, scope: form.scope };
    if (form.scope === 'subscriber') body.subscriberId = form.subscriberId;
    const expires = isoFromLocal(form.expiresAt);
    if (expires) body.expiresAt = expires;
    const ips = form.allowedIps
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    if (ips.length) body.allowedIps = ips;
    if (form.rateLimit !== '') body.rateLimit = Number(form.rateLimit);
    try {
      const key = await api('POST', '/v1/api-keys', body);
      setErrors({});
      setCreated(key);
      setForm({ name: '', scope: 'read', subscriberId: '', expiresAt: '', allowedIps: '', rateLimit: '' });
      onCreated();
    } catch (err) {
      setErrors(fieldErrors(err, { unknown_subscriber: 'subscriberId', invalid_ip: 'allowedIps' }));
    }
  }
  return html`${
    created &&
    html`<div class="once" role="status" data-testid="new-key">
      <p><strong>API key ${created.name} (${created.scope}) created. Copy it now: you will not see it again.</strong>${' '}
      Herald keeps only its hash; if it is lost, revoke it and create another.</p>
      <p><code data-testid="key">${created.key}</code> <${CopyButton} text=${created.key} testid="copy-key" /></p>
      <button type="button" class="secondary" data-testid="hide-key" onClick=${() => setCreated(null)}>I have copied it, hide it</button>
    </div>`
  }
    <details class="create">
      <summary>New API key</summary>
      <form class="panel" onSubmit=${submit} data-testid="new-api-key">
        <${Field} id="key-name" label="Name" required maxlength="256" value=${form.name} error=${errors.name} onInput=${set('name')} />
        <div class="field">
          <label for="key-scope">Scope</label>
          <select id="key-scope" value=${form.scope} onChange=${set('scope')}>
            ${SCOPES.map(([v, label]) => html`<option value=${v}>${label}</option>`)}
          </select>
          ${errors.scope && html`<span class="error" role="alert">${errors.scope}</span>`}
        </div>
        ${
          form.scope === 'subscriber' &&
          html`<div class="field">
            <label for="key-subscriber">Subscriber</label>
            <select id="key-subscriber" required value=${form.subscriberId} onChange=${set('subscriberId')}>
              <option value="">choose…</option>
              ${(subscribers.data?.data ?? []).map((s) => html`<option value=${s.id}>${s.name} (${s.id})</option>`)}
            </select>
            ${errors.subscriberId && html`<span class="error" role="alert" data-testid="key-subscriber-error">${errors.subscriberId}</span>`}
          </div>`
        }
        <${Field} id="key-expires" label="Expires (optional)" type="datetime-local" value=${form.expiresAt} error=${errors.expiresAt} hint="Your local time; empty: never" onInput=${set('expiresAt')} />
        <${Field}
          id="key-ips"
          label="Allowed IPs (optional)"
          hint="Addresses or CIDRs, comma-separated, e.g. 10.0.0.0/8, 192.0.2.7; empty: anywhere"
          value=${form.allowedIps}
          error=${errors.allowedIps}
          onInput=${set('allowedIps')}
        />
        <${Field}
          id="key-rate"
          label="Rate limit (optional)"
          type="number"
          min="0"
          step="1"
          hint="Requests per second; 0: unlimited; empty: the server default"
          value=${form.rateLimit}
          error=${errors.rateLimit}
          onInput=${set('rateLimit')}
        />
        <div class="actions"><button type="submit">Create API key</button>
        ${errors.form && html`<span class="error" role="alert">${errors.form}</span>`}</div>
      </form>
    </details>`;
}
