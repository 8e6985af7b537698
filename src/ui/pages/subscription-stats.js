// Seed 002's Statistics block on the subscription detail page: events, triggers (attempts), success
// and failure responses, failures since last success, last event, next trigger, last success and
// last failure with links to those attempts' messages, and attempts per minute as a chart with its
// numbers as text. Refreshed every few seconds, keeping what it shows while it reloads.
import { useEffect, useState } from 'preact/hooks';
import { api, Chart, describeError, html, MESSAGE_STATUSES, when } from '../lib.js';

const REFRESH_MS = 5_000; // how often the panel reloads
const WINDOWS = [
  [60, 'last hour'],
  [360, 'last 6 hours'],
  [1440, 'last 24 hours'],
];

/** The message of an attempt (stats name attempts; the message page shows them all). */
const messageOf = new Map();
async function messageIdOf(attemptId) {
  if (!messageOf.has(attemptId)) messageOf.set(attemptId, (await api('GET', `/v1/attempts/${encodeURIComponent(attemptId)}`)).messageId);
  return messageOf.get(attemptId);
}

async function load(path) {
  const stats = await api('GET', `${path}/stats`);
  const [success, failure] = await Promise.all(
    [stats.lastSuccess, stats.lastFailure].map(async (ref) => (ref ? { ...ref, messageId: await messageIdOf(ref.attemptId) } : null)),
  );
  return { stats, success, failure };
}

function AttemptLink({ ref_, testid }) {
  if (!ref_) return html`<span data-testid=${testid}>—</span>`;
  return html`<a data-testid=${testid} href=${`#/messages/${encodeURIComponent(ref_.messageId)}`}>${when(ref_.at)}</a>
    <span class="note"> (attempt ${ref_.attemptId})</span>`;
}

/** `version` changes when something the caller did (Trigger now, recover) should show at once. */
export function StatsPanel({ path, version }) {
  const [state, setState] = useState({ data: null, error: null });
  const [minutes, setMinutes] = useState(60);
  useEffect(() => {
    let live = true;
    const tick = () =>
      load(path).then(
        (data) => live && setState({ data, error: null }),
        (e) => live && setState((s) => ({ ...s, error: describeError(e) })),
      );
    tick();
    const timer = setInterval(tick, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [path, version]);
  if (!state.data) return state.error ? html`<p class="error">${state.error}</p>` : html`<p>Loading statistics…</p>`;
  const { stats, success, failure } = state.data;
  const card = (n, label, testid) =>
    html`<div class="card"><div class="n" data-testid=${testid}>${n}</div><div class="l">${label}</div></div>`;
  return html`<h2>Statistics since ${when(stats.since)}</h2>
    <div class="cards" data-testid="stats">
      ${card(stats.events, 'events', 'stat-events')}
      ${card(stats.attempts, 'triggers (attempts)', 'stat-attempts')}
      ${card(stats.attemptsSucceeded, 'success responses (2xx)', 'attempts-succeeded')}
      ${card(stats.attemptsFailed, 'failure responses', 'attempts-failed')}
      ${card(stats.failuresSinceLastSuccess, 'failures since last success', 'failures-since-success')}
      ${MESSAGE_STATUSES.map((s) => card(stats.messages[s], `messages ${s}`, `messages-${s}`))}
    </div>
    <dl style="margin-top:0.75rem" data-testid="stats-times">
      <dt>Last event</dt><dd>${when(stats.lastEventAt)}</dd>
      <dt>Next trigger</dt><dd data-testid="next-trigger">${when(stats.nextAttemptAt)}</dd>
      <dt>Last success</dt><dd><${AttemptLink} ref_=${success} testid="last-success" /></dd>
      <dt>Last failure</dt><dd><${AttemptLink} ref_=${failure} testid="last-failure" /></dd>
      <dt>Average duration</dt><dd>${stats.averageDurationMs === null ? '—' : `${Math.round(stats.averageDurationMs)} ms`}</dd>
      <dt>Filter errors</dt><dd>${stats.filterErrors.count}${stats.filterErrors.last ? ` (last: ${stats.filterErrors.last.expression}: ${stats.filterErrors.last.message})` : ''}</dd>
    </dl>
    <div class="toolbar" style="margin-top:0.75rem">
      <h3 style="margin:0">Attempts per minute</h3>
      <label for="stats-window">Window</label>
      <select id="stats-window" value=${String(minutes)} onChange=${(e) => setMinutes(Number(e.target.value))}>
        ${WINDOWS.map(([m, label]) => html`<option value=${String(m)}>${label}</option>`)}
      </select>
    </div>
    <${Chart} series=${stats.series} minutes=${minutes} />`;
}
