import { api, Chart, count, HEALTH, html, MESSAGE_STATUSES, sumSeries, useLoad } from '../lib.js';

export function Overview() {
  const { data, error } = useLoad(async () => {
    const health = await Promise.all(HEALTH.map((s) => count(`/v1/subscriptions?health=${s}`)));
    const messages = await Promise.all(MESSAGE_STATUSES.map((s) => count(`/v1/messages?status=${s}`)));
    const subs = await api('GET', '/v1/subscriptions?limit=20');
    const stats = await Promise.all(subs.data.map((s) => api('GET', `/v1/subscriptions/${encodeURIComponent(s.id)}/stats`)));
    return { health, messages, series: sumSeries(stats.map((s) => s.series)), charted: subs.data.length, more: subs.nextCursor !== null };
  }, []);
  if (error) return html`<p class="error">${error}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  return html`<h1>Overview</h1>
    <h2>Subscriptions by health</h2>
    <div class="cards" data-testid="health-counts">
      ${HEALTH.map(
        (s, i) => html`<a class="card" href=${`#/subscriptions?health=${s}`} data-health=${s}>
          <div class="n">${data.health[i]}</div><div class="l"><span class=${`badge ${s}`}>${s}</span></div>
        </a>`,
      )}
    </div>
    <h2>Messages by status</h2>
    <div class="cards" data-testid="message-counts">
      ${MESSAGE_STATUSES.map((s, i) => html`<div class="card" data-status=${s}><div class="n">${data.messages[i]}</div><div class="l">${s}</div></div>`)}
    </div>
    <h2>Delivery attempts per minute, last hour</h2>
    ${data.series ? html`<${Chart} series=${data.series} />` : html`<p class="note">No subscriptions yet.</p>`}
    <p class="note">Summed over ${data.more ? 'the 20 newest' : 'all'} subscriptions (${data.charted}).</p>`;
}
