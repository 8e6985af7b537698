// Shared pieces of the dashboard: the /v1 client, the signed-in caller, routing helpers, loading,
// formatting and the chart. Pages import from here; app.js only routes.
//
// Sign-in: POST /v1/sessions (an API key, the operator user name and password, or a portal link)
// opens a session held in an HttpOnly cookie, which this code can neither read nor leak; the API
// key itself is never stored in the browser. `api()` is the one place that knows how a request is
// authenticated: it sends the cookie (credentials: 'same-origin') and, on every state-changing
// request, the session's CSRF token, kept in memory only and fetched again from GET /v1/session
// when the page loads. localStorage keeps only a "signed in" hint (no secret), so a signed-out
// browser shows the sign-in form without first provoking a 401.

import { signal } from '@preact/signals';
import htm from 'htm';
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';

export const html = htm.bind(h);
export const HEALTH = ['healthy', 'degraded', 'failing', 'disabled'];
export const MESSAGE_STATUSES = ['pending', 'succeeded', 'retrying', 'failed'];
export const COUNT_LIMIT = 1000;

const SIGNED_IN = 'herald.signedIn'; // localStorage hint: '1' while this browser holds a session
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** True while signed in (the name is the first slice's, when it held the key; pages need no change). */
export const key = signal(localStorage.getItem(SIGNED_IN) === '1');
/** The signed-in caller's scope: admin, read, subscriber (null until known). */
export const scope = signal(null);
/** GET /v1/session's answer: scope, subscriberId, actor, kind, expiresAt (null until known). */
export const session = signal(null);
let csrfToken = null;
export const route = signal(location.hash || '#/');
window.addEventListener('hashchange', () => {
  route.value = location.hash || '#/';
});

/** True when the caller may change things (admin, or a subscriber on its own records). */
export function canWrite() {
  return scope.value === 'admin' || scope.value === 'subscriber';
}

/** An error from /v1 with its stable code and status kept. */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export async function api(method, path, body) {
  const headers = body !== undefined ? { 'content-type': 'application/json' } : {};
  if (!READ_METHODS.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (res.status === 401 && key.value) forget(); // the session ended (idle, key revoked): back to sign-in
  if (!res.ok) {
    const e = json?.error ?? json ?? {};
    throw new ApiError(res.status, e.code ?? 'http_error', e.message ?? `${method} ${path}: ${res.status}`, e.details);
  }
  return json;
}

function remember(answer) {
  session.value = answer;
  scope.value = answer.scope;
  csrfToken = answer.csrfToken;
  localStorage.setItem(SIGNED_IN, '1');
  key.value = true;
}

function forget() {
  localStorage.removeItem(SIGNED_IN);
  csrfToken = null;
  session.value = null;
  scope.value = null;
  key.value = false;
}

/** Signs out: closes the session on the server (which clears the cookie), then forgets it here. */
export async function signOut() {
  try {
    await api('DELETE', '/v1/session');
  } catch {
    // Already ended on the server: nothing more to close.
  }
  forget();
}

/** Learns who is signed in (and the CSRF token) from the session cookie. */
export async function loadScope() {
  try {
    remember(await api('GET', '/v1/session'));
  } catch {
    forget();
  }
}

/** Signs in: `credentials` is an API key, or {userName, password}, or {portalToken}. Resolves
 *  when a session is open, throws the ApiError when not. */
export async function signIn(credentials) {
  const body = typeof credentials === 'string' ? { apiKey: credentials } : credentials;
  remember(await api('POST', '/v1/sessions', body));
}

/** How the header names the caller: "admin key", "read key", "operator", "subscriber portal". */
export function signedInAs() {
  const s = session.value;
  if (!s) return '';
  if (s.kind === 'portal') return 'subscriber portal';
  if (s.kind === 'operator') return 'operator';
  return `${s.scope} key`;
}

/** Counts up to COUNT_LIMIT items of a list; shows "1000+" beyond. */
export async function count(path) {
  const sep = path.includes('?') ? '&' : '?';
  const page = await api('GET', `${path}${sep}limit=${COUNT_LIMIT}`);
  return page.nextCursor ? `${page.data.length}+` : String(page.data.length);
}

/** The current hash route split into its path and query: {path: '/messages', params: URLSearchParams}. */
export function currentRoute() {
  const r = route.value.slice(1);
  const [path, query] = r.split('?');
  return { path: path || '/', params: new URLSearchParams(query ?? '') };
}

/** A hash link to a route with query parameters (empty values left out). */
export function link(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

/** A /v1 path with query parameters (empty values left out). */
export function apiPath(path, params = {}) {
  return link(path, params).slice(1);
}

/** Loads data for a component: {data, error, reload}. */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null });
  const [n, setN] = useState(0);
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
  }, [...deps, n]);
  return { ...state, reload: () => setN((x) => x + 1) };
}

export function show(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function Chart({ series, minutes = 60 }) {
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

export function sumSeries(list) {
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

/** A time for people: local date and time, or — for none. */
export function when(isoTime) {
  return isoTime ? new Date(isoTime).toLocaleString() : '—';
}

/** An ApiError's message with its details' positions (invalid_filter, invalid_template) or schema
 *  paths (validation_failed), so a form can show exactly what to fix. */
export function describeError(e) {
  const details = Array.isArray(e?.details) ? e.details : [];
  const lines = details.map((d) => {
    if (d && typeof d.line === 'number') {
      const where = d.index !== undefined ? `filter[${d.index}]` : `template ${d.path}`;
      return `${where}: ${d.message} (line ${d.line}, column ${d.column})`;
    }
    if (d && typeof d.path === 'string' && typeof d.message === 'string') return `${d.path || 'body'}: ${d.message}`;
    return null;
  });
  const known = lines.filter((l) => l !== null);
  return known.length > 0 ? known.join('; ') : String(e?.message ?? e);
}

// ---- Shared by the subscribers, event catalogue, API keys and audit log pages ----

/**
 * Which form field an API error is about: {field: message}, plus `form` for what names no field.
 * Schema violations name the field in `details[].path` (/name); catalogue errors name it by their
 * code (`codeFields`: {invalid_schema: 'schema'}). Parse errors of JSON text areas use the same shape.
 */
export function fieldErrors(e, codeFields = {}) {
  const out = {};
  const field = codeFields[e.code];
  if (field) out[field] = e.message;
  if (Array.isArray(e.details)) {
    for (const d of e.details) {
      const name = typeof d?.path === 'string' ? d.path.split('/')[1] : undefined;
      if (name) out[name] = out[name] ? `${out[name]}; ${d.message}` : `${d.message}`;
    }
  }
  if (Object.keys(out).length === 0) out.form = e.message ?? String(e);
  return out;
}

/** A labelled input or text area with its error beneath (role=alert, tied by aria-describedby). */
export function Field({ id, label, error, textarea = false, hint, ...rest }) {
  const described = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  const control = textarea
    ? html`<textarea id=${id} name=${id} aria-invalid=${error ? 'true' : undefined} aria-describedby=${described} ...${rest}></textarea>`
    : html`<input id=${id} name=${id} aria-invalid=${error ? 'true' : undefined} aria-describedby=${described} ...${rest} />`;
  return html`<div class="field">
    <label for=${id}>${label}</label>
    ${control}
    ${hint && !error && html`<span class="note" id=${`${id}-hint`}>${hint}</span>`}
    ${error && html`<span class="error" role="alert" id=${`${id}-error`} data-testid=${`${id}-error`}>${error}</span>`}
  </div>`;
}

/** JSON text from a text area: undefined when empty, else the parsed value; throws {field, message}. */
export function parseJsonField(text, field) {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(0, 'invalid_json', `${field} is not valid JSON: ${e.message}`, [
      { path: `/${field}`, message: `not valid JSON: ${e.message}` },
    ]);
  }
}

export function prettyJson(value) {
  return JSON.stringify(value, null, 2);
}

/**
 * A destructive button that asks first, in place: "Delete" → "Delete acme? [Yes, delete] [Cancel]".
 * `onConfirm` may throw an Error; its message is shown.
 */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, testid }) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState(null);
  const yes = useRef(null);
  useEffect(() => {
    if (asking) yes.current?.focus();
  }, [asking]);
  async function confirm() {
    try {
      await onConfirm();
      setAsking(false);
    } catch (e) {
      setError(e.message ?? String(e));
    }
  }
  if (!asking) return html`<button type="button" class="danger" data-testid=${testid} onClick=${() => setAsking(true)}>${label}</button>`;
  return html`<span class="confirm" role="group" aria-label=${question}>
    <span>${question}</span>
    <button type="button" class="danger" ref=${yes} data-testid=${testid && `${testid}-confirm`} onClick=${confirm}>${confirmLabel}</button>
    <button type="button" class="secondary" onClick=${() => setAsking(false)}>Cancel</button>
    ${error && html`<span class="error" role="alert">${error}</span>`}
  </span>`;
}

/** Cursor paging kept in the URL: "Next page" carries nextCursor and every other parameter; "First page" drops the cursor. */
export function Pager({ path, params, nextCursor }) {
  const rest = Object.fromEntries([...params].filter(([k]) => k !== 'cursor'));
  const cursor = params.get('cursor');
  if (!cursor && !nextCursor) return null;
  return html`<nav class="pager" aria-label="Pages">
    ${cursor && html`<a href=${link(path, rest)} data-testid="first-page">First page</a>`}
    ${nextCursor && html`<a href=${link(path, { ...rest, cursor: nextCursor })} data-testid="next-page">Next page</a>`}
  </nav>`;
}

/** A button that copies text, saying whether it worked (the text stays selectable either way). */
export function CopyButton({ text, testid }) {
  const [state, setState] = useState(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('Copied.');
    } catch {
      setState('Copying is not allowed here: select the text and copy it.');
    }
  }
  return html`<button type="button" class="secondary" data-testid=${testid} onClick=${copy}>Copy</button>
    ${state && html`<span role="status">${state}</span>`}`;
}

/** A time as local date and time, with the ISO value in a <time> element. */
export function Time({ value }) {
  if (!value) return '—';
  return html`<time datetime=${value} title=${value}>${new Date(value).toLocaleString()}</time>`;
}

/** True for admin callers: what only they may change (subscribers, the catalogue, API keys). canWrite()
 *  is also true for a subscriber, who manages its own subscriptions but not these. */
export function isAdmin() {
  return scope.value === 'admin';
}

/**
 * useLoad's data, or while a reload of the same `key` is under way, the data it had: a page that
 * reloads after a change keeps its forms (open <details>, messages) instead of flashing "Loading…".
 */
export function useKept(data, key) {
  const last = useRef(null);
  if (data !== null) last.current = { key, data };
  return data ?? (last.current?.key === key ? last.current.data : null);
}
