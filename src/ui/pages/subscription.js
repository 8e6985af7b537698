import { useState } from 'preact/hooks';
import { api, Chart, canWrite, html, MESSAGE_STATUSES, show, useLoad } from '../lib.js';

export function SubscriptionDetail({ id }) {
  const [triggered, setTriggered] = useState(null);
  const path = `/v1/subscriptions/${encodeURIComponent(id)}`;
  const { data, error, reload } = useLoad(async () => {
    const [sub, stats] = await Promise.all([api('GET', path), api('GET', `${path}/stats`)]);
    return { sub, stats };
  }, [id]);
  async function trigger() {
    try {
      const message = await api('POST', `${path}/test`, {});
      setTriggered(`Sent: message ${message.id} (${message.status}).`);
      setTimeout(reload, 1000);
    } catch (e) {
      setTriggered(`Not sent: ${e.message}`);
    }
  }
  if (error) return html`<p class="error">${error}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  const { sub, stats } = data;
  return html`<h1>Subscription ${sub.name ?? sub.id}</h1>
    <div class="toolbar">
      <span class=${`badge ${sub.health.status}`}>${sub.health.status}</span>
      ${canWrite() && html`<button type="button" onClick=${trigger}>Trigger now</button>`}
      ${triggered && html`<span role="status">${triggered}</span>`}
      <a href=${`#/messages?subscriptionId=${encodeURIComponent(sub.id)}`} data-testid="subscription-messages">Messages</a>
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
