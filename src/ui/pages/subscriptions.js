import { api, HEALTH, html, useLoad } from '../lib.js';

export function Subscriptions({ params }) {
  const health = params.get('health');
  const { data, error } = useLoad(
    () => api('GET', `/v1/subscriptions?limit=100${health ? `&health=${encodeURIComponent(health)}` : ''}`),
    [health],
  );
  const choose = (e) => {
    location.hash = e.target.value ? `#/subscriptions?health=${e.target.value}` : '#/subscriptions';
  };
  return html`<h1>Subscriptions</h1>
    <div class="toolbar">
      <label for="health">Health</label>
      <select id="health" value=${health ?? ''} onChange=${choose}>
        <option value="">all</option>
        ${HEALTH.map((s) => html`<option value=${s}>${s}</option>`)}
      </select>
    </div>
    ${error && html`<p class="error">${error}</p>`}
    ${!data && !error && html`<p>Loading…</p>`}
    ${
      data &&
      html`<div class="table-wrap"><table data-testid="subscriptions">
      <thead><tr><th>Subscription</th><th>URL</th><th>Health</th><th>Enabled</th></tr></thead>
      <tbody>
        ${data.data.map(
          (s) => html`<tr data-id=${s.id}>
            <td><a href=${`#/subscriptions/${encodeURIComponent(s.id)}`}>${s.name ?? s.id}</a></td>
            <td class="wrap">${s.url}</td>
            <td><span class=${`badge ${s.health.status}`}>${s.health.status}</span></td>
            <td>${s.enabled ? 'yes' : 'no'}</td>
          </tr>`,
        )}
      </tbody>
    </table></div>
    ${data.data.length === 0 && html`<p class="note">No subscriptions${health ? ` with health ${health}` : ''}.</p>`}
    ${data.nextCursor && html`<p class="note">Showing the newest 100.</p>`}`
    }`;
}
