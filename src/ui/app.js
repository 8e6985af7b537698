// Herald dashboard, first slice (issue 19). Preact + htm + signals, no build step.
// Routes are hash routes: #/ (overview), #/subscriptions[?health=...], #/subscriptions/<id>.
// Sign-in (temporary): the API key lives in this tab's sessionStorage and goes to /v1 as a bearer.

import { signal } from '@preact/signals';
import htm from 'htm';
import { h, render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';

const html = htm.bind(h);
const HEALTH = ['healthy', 'degraded', 'failing', 'disabled'];
const MESSAGE_STATUSES = ['pending', 'succeeded', 'retrying', 'failed'];
const COUNT_LIMIT = 1000;

const key = signal(sessionStorage.getItem('herald.key'));
const scope = signal(null);
const route = signal(location.hash || '#/');
window.addEventListener('hashchange', () => {
  route.value = location.hash || '#/';
});

async function api(method, path, body, bearer = key.value) {
  const res = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (res.status === 401 && bearer === key.value) signOut();
  if (!res.ok) throw new Error(json?.error?.message ?? `${method} ${path}: ${res.status}`);
  return json;
}

function signOut() {
  sessionStorage.removeItem('herald.key');
  key.value = null;
  scope.value = null;
}

async function loadScope() {
  try {
    scope.value = (await api('GET', '/ui/whoami')).scope;
  } catch {
    scope.value = null;
  }
}
if (key.value) loadScope();

/** Counts up to COUNT_LIMIT items of a list; shows "1000+" beyond. */
async function count(path) {
  const sep = path.includes('?') ? '&' : '?';
  const page = await api('GET', `${path}${sep}limit=${COUNT_LIMIT}`);
  return page.nextCursor ? `${page.data.length}+` : String(page.data.length);
}

function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null });
  useEffect(() => {
    let live = true;
    setState({ data: null, error: null });
    load().then(
      (data) => live && setState({ data, error: null }),
      (error) => live && setState({ data: null, error: String(error.message ?? error) }),
    );
    return () => {
      live = false;
    };
  }, deps);
  return state;
}

function SignIn() {
  const [value, setValue] = useState('');
  const [error, setError] = useState(null);
  async function submit(e) {
    e.preventDefault();
    const candidate = value.trim();
    try {
      scope.value = (await api('GET', '/ui/whoami', undefined, candidate)).scope;
      sessionStorage.setItem('herald.key', candidate);
      key.value = candidate;
    } catch {
      setError('That key was not accepted.');
    }
  }
  return html`<form class="signin" onSubmit=${submit}>
    <h1>Sign in to Herald</h1>
    <label for="key">API key</label>
    <input id="key" name="key" type="password" autocomplete="off" value=${value} onInput=${(e) => setValue(e.target.value)} required />
    <button type="submit">Sign in</button>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <p class="note">The key is kept in this tab only (sessionStorage) and sent to /v1 as a bearer token.</p>
  </form>`;
}

function Chart({ series, minutes = 60 }) {
  const ref = useRef(null);
  useEffect(() => {
    if (!ref.current || !series) return;
    const n = series.succeeded.length;
    const from = Math.max(0, n - minutes);
    const start = Date.parse(series.start) / 1000;
    const xs = [];
    for (let i = from; i < n; i++) xs.push(start + i * series.intervalSeconds);
    const width = Math.max(280, ref.current.clientWidth - 16);
    const plot = new uPlot(
      {
        width,
        height: 200,
        series: [{}, { label: 'succeeded', stroke: '#17803d', width: 2 }, { label: 'failed', stroke: '#c0392b', width: 2 }],
        axes: [{}, { label: 'per minute' }],
      },
      [xs, series.succeeded.slice(from), series.failed.slice(from)],
      ref.current,
    );
    return () => plot.destroy();
  }, [series, minutes]);
  const from = series ? Math.max(0, series.succeeded.length - minutes) : 0;
  const total = (xs) => (xs ?? []).slice(from).reduce((a, b) => a + b, 0);
  return html`<div class="chart" ref=${ref}></div>
    <p class="note" data-testid="chart-text">
      Last ${minutes} minutes: ${total(series?.succeeded)} attempts succeeded, ${total(series?.failed)} failed.
    </p>`;
}

function sumSeries(list) {
  if (list.length === 0) return null;
  const out = { ...list[0], succeeded: [...list[0].succeeded], failed: [...list[0].failed] };
  for (const s of list.slice(1)) {
    for (let i = 0; i < out.succeeded.length; i++) {
      out.succeeded[i] += s.succeeded[i] ?? 0;
      out.failed[i] += s.failed[i] ?? 0;
    }
  }
  return out;
}

function Overview() {
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

function Subscriptions({ health }) {
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

function show(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function SubscriptionDetail({ id }) {
  const [reload, setReload] = useState(0);
  const [triggered, setTriggered] = useState(null);
  const path = `/v1/subscriptions/${encodeURIComponent(id)}`;
  const { data, error } = useLoad(async () => {
    const [sub, stats] = await Promise.all([api('GET', path), api('GET', `${path}/stats`)]);
    return { sub, stats };
  }, [id, reload]);
  async function trigger() {
    try {
      const message = await api('POST', `${path}/test`, {});
      setTriggered(`Sent: message ${message.id} (${message.status}).`);
      setTimeout(() => setReload((n) => n + 1), 1000);
    } catch (e) {
      setTriggered(`Not sent: ${e.message}`);
    }
  }
  if (error) return html`<p class="error">${error}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  const { sub, stats } = data;
  const canWrite = scope.value === 'admin' || scope.value === 'subscriber';
  return html`<h1>Subscription ${sub.name ?? sub.id}</h1>
    <div class="toolbar">
      <span class=${`badge ${sub.health.status}`}>${sub.health.status}</span>
      ${canWrite && html`<button type="button" onClick=${trigger}>Trigger now</button>`}
      ${triggered && html`<span role="status">${triggered}</span>`}
    </div>
    <h2>Statistics since ${new Date(stats.since).toLocaleString()}</h2>
    <div class="cards" data-testid="stats">
      <div class="card"><div class="n">${stats.events}</div><div class="l">events</div></div>
      <div class="card"><div class="n">${stats.attempts}</div><div class="l">attempts</div></div>
      <div class="card"><div class="n" data-testid="attempts-succeeded">${stats.attemptsSucceeded}</div><div class="l">succeeded (2xx)</div></div>
      ${MESSAGE_STATUSES.map((s) => html`<div class="card"><div class="n">${stats.messages[s]}</div><div class="l">messages ${s}</div></div>`)}
    </div>
    <dl style="margin-top:0.75rem">
      <dt>Last success</dt><dd>${show(stats.lastSuccessAt)}</dd>
      <dt>Last failure</dt><dd>${show(stats.lastFailureAt)}</dd>
      <dt>Failures since last success</dt><dd>${show(stats.failuresSinceLastSuccess)}</dd>
      <dt>Next attempt</dt><dd>${show(stats.nextAttemptAt)}</dd>
    </dl>
    <h2>Attempts per minute, last hour</h2>
    <${Chart} series=${stats.series} />
    <h2>Settings</h2>
    <dl data-testid="settings">
      ${Object.entries(sub).map(([k, v]) => html`<dt>${k}</dt><dd>${show(v)}</dd>`)}
    </dl>`;
}

function App() {
  if (!key.value) return html`<${SignIn} />`;
  const r = route.value.slice(1);
  const [pathPart, queryPart] = r.split('?');
  const params = new URLSearchParams(queryPart ?? '');
  let page;
  const detail = /^\/subscriptions\/(.+)$/.exec(pathPart);
  if (detail) page = html`<${SubscriptionDetail} id=${decodeURIComponent(detail[1])} />`;
  else if (pathPart === '/subscriptions') page = html`<${Subscriptions} health=${params.get('health')} />`;
  else page = html`<${Overview} />`;
  const active = (p) => ((p === '/' ? pathPart === '/' || pathPart === '' : pathPart.startsWith(p)) ? 'active' : '');
  return html`<header>
      <strong>Herald</strong>
      <nav>
        <a href="#/" class=${active('/')}>Overview</a>
        <a href="#/subscriptions" class=${active('/subscriptions')}>Subscriptions</a>
      </nav>
      <span class="note" style="color:#cfd6e4">${scope.value ? `${scope.value} key` : ''}</span>
      <button type="button" class="plain" onClick=${signOut}>Sign out</button>
    </header>
    <main>${page}</main>`;
}

render(html`<${App} />`, document.getElementById('app'));
