// The subscription detail page (DESIGN.md §11, seed 002's details screen): status with Trigger now
// and Enable/Disable, the Statistics block, settings (read-only, or an edit form), the filter and
// template editor with its live preview, secrets (reveal, copy, rotate with the overlap) and recover
// since a date. Read keys see everything but secrets, and no button that changes anything.
import { useState } from 'preact/hooks';
import { api, canWrite, describeError, html, useLoad } from '../lib.js';
import { FilterTemplateEditor } from './subscription-editor.js';
import { RecoverPanel, SecretPanel } from './subscription-secrets.js';
import { SettingsForm, SettingsView } from './subscription-settings.js';
import { StatsPanel } from './subscription-stats.js';

const RECENT_EVENTS = 10; // recent messages offered as preview samples

export function SubscriptionDetail({ id }) {
  const path = `/v1/subscriptions/${encodeURIComponent(id)}`;
  const { data, error } = useLoad(async () => {
    const [sub, types, recent, presets] = await Promise.all([
      api('GET', path),
      api('GET', '/v1/event-types?limit=1000'),
      api('GET', `/v1/messages?subscriptionId=${encodeURIComponent(id)}&limit=${RECENT_EVENTS}`),
      api('GET', '/v1/template-presets'),
    ]);
    return { sub, catalogue: types.data, recent: recent.data, presets: presets.data };
  }, [id]);
  if (error) return html`<p class="error">${error}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  return html`<${Detail} key=${id} path=${path} ...${data} />`;
}

function Detail({ path, sub: loaded, catalogue, recent, presets }) {
  const [sub, setSub] = useState(loaded);
  const [editing, setEditing] = useState(false);
  const [status, setStatus] = useState(null);
  const [version, setVersion] = useState(0); // bumps the stats panel after an action
  const writable = canWrite();
  const refresh = () => setTimeout(() => setVersion((v) => v + 1), 1000);

  async function trigger() {
    try {
      const message = await api('POST', `${path}/test`, {});
      setStatus(`Sent: message ${message.id} (${message.status}).`);
      refresh();
    } catch (e) {
      setStatus(`Not sent: ${describeError(e)}`);
    }
  }
  async function toggle() {
    try {
      setSub(await api('PATCH', path, { enabled: !sub.enabled }));
      setStatus(sub.enabled ? 'Disabled: no deliveries until enabled.' : 'Enabled: health cleared; deliveries resume.');
    } catch (e) {
      setStatus(`Not changed: ${describeError(e)}`);
    }
  }
  const names = catalogue.map((t) => t.name);

  return html`<h1>Subscription ${sub.name ?? sub.id}</h1>
    <div class="toolbar" data-testid="subscription-toolbar">
      <span class=${`badge ${sub.health.status}`} data-testid="health">${sub.health.status}</span>
      ${sub.health.reason && html`<span class="note">${sub.health.reason}</span>`}
      <span data-testid="enabled">${sub.enabled ? 'enabled' : 'disabled'}</span>
      ${writable && html`<button type="button" onClick=${trigger}>Trigger now</button>`}
      ${writable && html`<button type="button" class="secondary" data-testid="toggle-enabled" onClick=${toggle}>${sub.enabled ? 'Disable' : 'Enable'}</button>`}
      ${status && html`<span role="status">${status}</span>`}
      <a href=${`#/messages?subscriptionId=${encodeURIComponent(sub.id)}`} data-testid="subscription-messages">Messages</a>
    </div>
    <p class="note wrap"><code>${sub.method} ${sub.url}</code></p>

    <${StatsPanel} path=${path} version=${version} />

    <h2>Settings</h2>
    ${
      editing
        ? html`<${SettingsForm}
            sub=${sub}
            catalogue=${names}
            onCancel=${() => setEditing(false)}
            onSaved=${(updated, fields) => {
              setSub(updated);
              setEditing(false);
              setStatus(`Saved ${fields.join(', ')}.`);
            }}
          />`
        : html`${writable && html`<div class="toolbar"><button type="button" onClick=${() => setEditing(true)}>Edit settings</button></div>`}
            <${SettingsView} sub=${sub} />`
    }

    <h2>Filter, payload and preview</h2>
    <${FilterTemplateEditor} sub=${sub} catalogue=${catalogue} recent=${recent} presets=${presets} onSaved=${setSub} />

    ${
      writable &&
      html`<h2>Secrets</h2>
        <div class="secrets">
          <${SecretPanel} path=${path} kind="secret" title="Signing secret (Standard Webhooks)" />
          ${sub.auth?.type === 'jwt' && html`<${SecretPanel} path=${path} kind="jwt-secret" title="JWT secret" />`}
        </div>
        <h2>Recover</h2>
        <p class="note">Send again, now, the failed messages created since a time (each with a fresh retry budget).</p>
        <${RecoverPanel} path=${path} onDone=${refresh} />`
    }`;
}
