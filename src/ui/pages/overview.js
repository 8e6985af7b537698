// The overview (DESIGN.md §11): subscriptions by health, backlog (messages by status), deliveries
// per minute (succeeded against failed) over the last hours, the failing and disabled endpoints,
// and the p95 attempt duration. The API has no fleet-wide series or duration percentile, so both
// are computed here from what it has and labelled with what they cover: the series is the sum of
// the newest subscriptions' stats series, the p95 that of the most recent attempts.
import { useState } from 'preact/hooks';
import { api, Chart, COUNT_LIMIT, count, HEALTH, html, MESSAGE_STATUSES, sumSeries, useLoad, when } from '../lib.js';

const CHARTED = 50; // subscriptions whose series are summed (one stats request each)
const ENDPOINTS = 20; // failing and disabled endpoints listed, each
const WINDOWS = [
  [60, 'last hour'],
  [360, 'last 6 hours'],
  [1440, 'last 24 hours'],
];

/** The nearest-rank percentile `p` (0..100) of numbers, or null for none. */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function load() {
  const [health, messages, subs, failing, disabled, attempts] = await Promise.all([
    Promise.all(HEALTH.map((s) => count(`/v1/subscriptions?health=${s}`))),
    Promise.all(MESSAGE_STATUSES.map((s) => count(`/v1/messages?status=${s}`))),
    api('GET', `/v1/subscriptions?limit=${CHARTED}`),
    api('GET', `/v1/subscriptions?health=failing&limit=${ENDPOINTS}`),
    api('GET', `/v1/subscriptions?health=disabled&limit=${ENDPOINTS}`),
    api('GET', `/v1/attempts?limit=${COUNT_LIMIT}`),
  ]);
  const stats = await Promise.all(subs.data.map((s) => api('GET', `/v1/subscriptions/${encodeURIComponent(s.id)}/stats`)));
  const durations = attempts.data.map((a) => a.durationMs);
  return {
    health,
    messages,
    series: sumSeries(stats.map((s) => s.series)),
    charted: subs.data.length,
    more: subs.nextCursor !== null,
    failing,
    disabled,
    p95: percentile(durations, 95),
    p50: percentile(durations, 50),
    sampled: durations.length,
    oldest: attempts.data.at(-1)?.createdAt ?? null,
  };
}

function Endpoints({ title, health, page, empty }) {
  const testid = `${health}-endpoints`;
  return html`<h3>${title}</h3>
    ${
      page.data.length === 0
        ? html`<p class="note" data-testid=${testid}>${empty}</p>`
        : html`<div class="table-wrap"><table data-testid=${testid}>
            <thead><tr><th>Subscription</th><th>URL</th><th>Reason</th><th>Since</th><th>Failures in a row</th></tr></thead>
            <tbody>
              ${page.data.map(
                (s) => html`<tr data-id=${s.id}>
                  <td><a href=${`#/subscriptions/${encodeURIComponent(s.id)}`}>${s.name ?? s.id}</a></td>
                  <td class="wrap">${s.url}</td>
                  <td>${s.health.reason ?? (s.health.breaker.state !== 'closed' ? `breaker ${s.health.breaker.state}` : '—')}</td>
                  <td>${when(s.health.since)}</td>
                  <td>${s.health.consecutiveFailures}</td>
                </tr>`,
              )}
            </tbody>
          </table></div>
          ${page.nextCursor && html`<p class="note">The first ${ENDPOINTS}; <a href=${`#/subscriptions?health=${health}`}>see all</a>.</p>`}`
    }`;
}

export function Overview() {
  const [minutes, setMinutes] = useState(60);
  const { data, error } = useLoad(load, []);
  if (error) return html`<p class="error">${error}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  const sampled = data.sampled.toLocaleString('en-US');
  return html`<h1>Overview</h1>
    <h2>Subscriptions by health</h2>
    <div class="cards" data-testid="health-counts">
      ${HEALTH.map(
        (s, i) => html`<a class="card" href=${`#/subscriptions?health=${s}`} data-health=${s}>
          <div class="n">${data.health[i]}</div><div class="l"><span class=${`badge ${s}`}>${s}</span></div>
        </a>`,
      )}
    </div>
    <h2>Backlog: messages by status</h2>
    <div class="cards" data-testid="message-counts">
      ${MESSAGE_STATUSES.map((s, i) => html`<div class="card" data-status=${s}><div class="n">${data.messages[i]}</div><div class="l">${s}</div></div>`)}
    </div>
    <div class="toolbar" style="margin-top:1.5rem">
      <h2 style="margin:0">Delivery attempts per minute</h2>
      <label for="overview-window">Window</label>
      <select id="overview-window" value=${String(minutes)} onChange=${(e) => setMinutes(Number(e.target.value))}>
        ${WINDOWS.map(([m, label]) => html`<option value=${String(m)}>${label}</option>`)}
      </select>
    </div>
    ${data.series ? html`<${Chart} series=${data.series} minutes=${minutes} />` : html`<p class="note">No subscriptions yet.</p>`}
    <p class="note" data-testid="chart-scope">
      Summed over ${data.more ? `the ${CHARTED} newest subscriptions` : `all ${data.charted} subscription${data.charted === 1 ? '' : 's'}`} (the API keeps a
      series per subscription).
    </p>
    <h2>Attempt duration</h2>
    <div class="cards" data-testid="durations">
      <div class="card"><div class="n" data-testid="p95">${data.p95 === null ? '—' : `${Math.round(data.p95)} ms`}</div>
        <div class="l">p95 of the last ${sampled} attempt${data.sampled === 1 ? '' : 's'}</div></div>
      <div class="card"><div class="n" data-testid="p50">${data.p50 === null ? '—' : `${Math.round(data.p50)} ms`}</div>
        <div class="l">median of the same</div></div>
    </div>
    ${data.oldest && html`<p class="note">Attempts made since ${when(data.oldest)}${data.sampled >= COUNT_LIMIT ? ` (the newest ${sampled})` : ''}.</p>`}
    <h2>Endpoints needing attention</h2>
    <${Endpoints} title="Failing" health="failing" page=${data.failing} empty="No failing endpoints." />
    <${Endpoints} title="Disabled" health="disabled" page=${data.disabled} empty="No disabled endpoints." />`;
}
