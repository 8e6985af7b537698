// Message detail (#/messages/<id>): the message, its event and every attempt with the request as
// recorded (the API masks credentials: "[redacted]") and the response. Resend (admin and subscriber
// keys) queues a manual attempt, then this page polls the attempts, a bounded number of times,
// until the new one is there.

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, canWrite, html, link, scope, show, useLoad } from '../lib.js';
import { StatusBadge, when } from './messages.js';

const ATTEMPTS_SHOWN = 100; // newest first; older ones are counted, not shown
const POLL_MS = 500; // between looks for the resent message's attempt
const POLLS = 40; // looks at most (20 s), then the page says to reload

export function MessageDetail({ id }) {
  const path = `/v1/messages/${encodeURIComponent(id)}`;
  const readsEvents = scope.value === 'admin' || scope.value === 'read';
  const { data, error, reload } = useLoad(async () => {
    const [message, attempts] = await Promise.all([api('GET', path), api('GET', `${path}/attempts?limit=${ATTEMPTS_SHOWN}`)]);
    const [subscription, event] = await Promise.all([
      api('GET', `/v1/subscriptions/${encodeURIComponent(message.subscriptionId)}`),
      // Only operator keys may read events (events.read); until the scope is known, wait for it.
      readsEvents ? api('GET', `/v1/events/${encodeURIComponent(message.eventId)}`) : null,
    ]);
    return { message, attempts, event, subscription };
  }, [id, readsEvents]);
  const [resend, setResend] = useState(null);
  const timer = useRef(null);
  useEffect(() => () => clearTimeout(timer.current), [id]);

  async function doResend() {
    clearTimeout(timer.current);
    const known = data.attempts.data[0]?.id ?? '';
    try {
      await api('POST', `${path}/resend`, {});
    } catch (e) {
      setResend({ text: `Not resent: ${e.message}` });
      return;
    }
    setResend({ text: 'Queued for an attempt now; waiting for it…' });
    let looks = 0;
    const look = async () => {
      looks++;
      try {
        const latest = await api('GET', `${path}/attempts?limit=1`);
        const newest = latest.data[0];
        if (newest && newest.id > known) {
          setResend({ text: `The new attempt arrived: ${newest.statusCode ?? newest.error ?? 'no answer'}.`, done: true });
          reload();
          return;
        }
      } catch (e) {
        setResend({ text: `Could not check for the new attempt: ${e.message}` });
        return;
      }
      if (looks < POLLS) timer.current = setTimeout(look, POLL_MS);
      else setResend({ text: 'No attempt yet (the receiver may be slow, or the endpoint paused); reload the page to look again.' });
    };
    timer.current = setTimeout(look, POLL_MS);
  }

  if (error) return html`<p class="error" role="alert">Could not load message ${id}: ${error}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  const { message: m, attempts, event, subscription } = data;
  return html`<h1>Message ${m.id}</h1>
    <div class="toolbar">
      <${StatusBadge} status=${m.status} />
      ${canWrite() && html`<button type="button" onClick=${doResend} data-testid="resend">Resend</button>`}
      ${resend && html`<span role="status" data-testid="resend-result">${resend.text}</span>`}
      <a href=${link('/messages', { subscriptionId: m.subscriptionId })}>Messages of this subscription</a>
    </div>
    <dl data-testid="message">
      <dt>Status</dt><dd>${m.status}</dd>
      <dt>Subscription</dt><dd><a href=${`#/subscriptions/${encodeURIComponent(m.subscriptionId)}`}>${subscription.name ?? m.subscriptionId}</a> (${m.subscriptionId})</dd>
      <dt>Subscriber</dt><dd>${m.subscriberId}</dd>
      <dt>URL</dt><dd>${m.url}</dd>
      <dt>Event type</dt><dd>${m.eventType}</dd>
      <dt>Created</dt><dd>${when(m.createdAt)}</dd>
      <dt>Updated</dt><dd>${when(m.updatedAt)}</dd>
      <dt>Next attempt</dt><dd data-testid="next-attempt">${when(m.nextAttemptAt)}</dd>
      <dt>Attempts</dt><dd>${m.attempts} (scheduled retries used: ${m.retries})</dd>
      <dt>Last status code</dt><dd>${show(m.lastStatusCode)}</dd>
      <dt>Last error</dt><dd>${show(m.lastError)}</dd>
    </dl>
    <h2>Event</h2>
    ${
      event
        ? html`<dl data-testid="event">
            <dt>Id</dt><dd>${event.id}</dd>
            <dt>Type</dt><dd>${event.type}</dd>
            <dt>Created</dt><dd>${when(event.createdAt)}</dd>
            <dt>Idempotency key</dt><dd>${show(event.idempotencyKey)}</dd>
            <dt>Data</dt><dd><pre data-testid="event-data">${JSON.stringify(event.data, null, 2)}</pre></dd>
          </dl>`
        : html`<p class="note" data-testid="event-hidden">Event ${m.eventId} (${m.eventType}): ${scope.value === null ? 'loading…' : 'its data is shown to operator keys only.'}</p>`
    }
    <h2>Attempts, newest first</h2>
    ${attempts.data.length === 0 && html`<p class="note">No attempt yet.</p>`}
    <div data-testid="attempts">${attempts.data.map((a) => html`<${AttemptView} attempt=${a} />`)}</div>
    ${attempts.nextCursor && html`<p class="note">Showing the newest ${ATTEMPTS_SHOWN} attempts.</p>`}`;
}

function Headers({ headers, testid }) {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return html`<p class="note">none recorded</p>`;
  return html`<table class="headers" data-testid=${testid}>
    <tbody>${entries.map(([k, v]) => html`<tr><th scope="row">${k}</th><td class="wrap">${v}</td></tr>`)}</tbody>
  </table>`;
}

function AttemptView({ attempt: a }) {
  const ok = a.statusCode !== null && a.statusCode >= 200 && a.statusCode < 300;
  return html`<section class="attempt" data-testid="attempt" data-id=${a.id} aria-label=${`Attempt ${a.id}`}>
    <div class="attempt-head">
      <strong>${when(a.createdAt)}</strong>
      <span class=${`badge ${ok ? 'status-succeeded' : 'status-failed'}`} data-testid="attempt-status">${a.statusCode ?? 'no answer'}</span>
      <span>${a.trigger}</span>
      <span>${Math.round(a.durationMs)} ms</span>
      ${a.error && html`<span class="error" data-testid="attempt-error">${a.error}</span>`}
    </div>
    <div class="attempt-body">
      <div>
        <h3>Request headers</h3>
        <${Headers} headers=${a.requestHeaders} testid="request-headers" />
      </div>
      <div>
        <h3>Response headers</h3>
        <${Headers} headers=${a.responseHeaders} testid="response-headers" />
        <h3>Response body</h3>
        ${a.responseBody ? html`<pre data-testid="response-body">${a.responseBody}</pre>` : html`<p class="note">empty</p>`}
      </div>
    </div>
  </section>`;
}
