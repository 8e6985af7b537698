// The subscription detail page's settings: a read-only list for everyone, and for callers who may
// write, an edit form that PATCHes only the fields that changed. Credentials come masked from the
// API (********); their inputs start empty and are sent only when typed into, because PATCH keeps
// the stored credential of an auth of the same type when the field is left out
// (src/api/subscription-auth.ts). A 422 or 400 is shown next to the field it names.
import { useState } from 'preact/hooks';
import { api, describeError, html, show } from '../lib.js';

export const METHODS = ['POST', 'GET'];
export const AUTH_TYPES = ['none', 'jwt', 'basic', 'oauth2', 'apiKey'];
/** Each auth type's fields: [field, label, credential?]. Credentials are masked in GET answers. */
const AUTH_FIELDS = {
  none: [],
  jwt: [['secret', 'JWT secret (16 to 512 characters; empty: keep the current one, or generate one)', true]],
  basic: [
    ['username', 'Username', false],
    ['password', 'Password', true],
  ],
  oauth2: [
    ['tokenUrl', 'Token URL', false],
    ['clientId', 'Client id', false],
    ['clientSecret', 'Client secret', true],
    ['scope', 'Scope (optional)', false],
    ['audience', 'Audience (optional)', false],
  ],
  apiKey: [
    ['header', 'Header name', false],
    ['value', 'Key value', true],
  ],
};

/** The fields the form shows errors beside; any other error shows at the end of the form. */
const FORM_FIELDS = [
  'url',
  'name',
  'description',
  'method',
  'eventTypes',
  'channels',
  'headers',
  'auth',
  'retrySchedule',
  'timeoutSeconds',
  'maxInFlight',
  'rateLimit',
  'batch',
  'signing',
  'customData',
];

/** Which form field an API error is about (the API's field names), or 'form'. */
export function fieldOfError(e) {
  const d = e?.details;
  if (e?.code === 'validation_failed' && Array.isArray(d) && typeof d[0]?.path === 'string') {
    return d[0].path.split('/')[1] || 'form';
  }
  if (typeof d?.field === 'string' && d.field.startsWith('auth.')) return 'auth';
  const byCode = {
    invalid_url: 'url',
    url_not_allowed: 'url',
    invalid_header: 'headers',
    unknown_event_type: 'eventTypes',
    invalid_event_type_name: 'eventTypes',
    invalid_auth: 'auth',
    invalid_filter: 'filter',
    invalid_template: 'template',
    batch_not_allowed: 'batch',
    custom_data_too_large: 'customData',
  };
  return byCode[e?.code] ?? 'form';
}

export function FieldError({ name, errors }) {
  const message = errors?.[name];
  return message ? html`<p class="error field-error" role="alert" data-testid=${`error-${name}`}>${message}</p>` : null;
}

const list = (text) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const blank = (v) => String(v ?? '').trim() === '';

/** The form's state from a subscription: every value as the input shows it. */
export function formOf(sub, catalogue) {
  const auth = sub.auth ?? { type: 'none' };
  const authValues = {};
  for (const [field, , credential] of AUTH_FIELDS[auth.type] ?? []) authValues[field] = credential ? '' : (auth[field] ?? '');
  return {
    name: sub.name ?? '',
    description: sub.description ?? '',
    url: sub.url,
    method: sub.method,
    eventTypes: sub.eventTypes.filter((t) => catalogue.includes(t)),
    patterns: sub.eventTypes.filter((t) => !catalogue.includes(t)).join(', '),
    channels: (sub.channels ?? []).join(', '),
    headers: Object.entries(sub.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n'),
    authType: auth.type,
    auth: authValues,
    retrySchedule: (sub.retrySchedule ?? []).join(', '),
    timeoutSeconds: String(sub.timeoutSeconds),
    maxInFlight: sub.maxInFlight === null ? '' : String(sub.maxInFlight),
    rateLimit: sub.rateLimit === null ? '' : String(sub.rateLimit.limit),
    ratePeriod: sub.rateLimit === null ? '' : String(sub.rateLimit.periodSeconds),
    batchMaxEvents: sub.batch === null ? '' : String(sub.batch.maxEvents),
    batchMaxWaitMs: sub.batch === null ? '' : String(sub.batch.maxWaitMs),
    batchMaxBytes: sub.batch?.maxBytes == null ? '' : String(sub.batch.maxBytes),
    signing: sub.signing,
    customData: sub.customData === null ? '' : JSON.stringify(sub.customData, null, 2),
  };
}

/** A number input's value: a finite number, or an error naming the field. */
function number(value, label, errors, field) {
  const n = Number(String(value).trim());
  if (!Number.isFinite(n)) errors[field] = `${label} must be a number`;
  return n;
}

/** The auth to send, or undefined when unchanged: credentials only when typed in. */
function authBody(form, sub) {
  const stored = sub.auth;
  if (form.authType === 'none') return stored === null ? undefined : null;
  const body = { type: form.authType };
  let changed = stored?.type !== form.authType;
  for (const [field, , credential] of AUTH_FIELDS[form.authType]) {
    const value = form.auth[field] ?? '';
    if (credential) {
      if (value !== '') {
        body[field] = value;
        changed = true;
      }
    } else if (field === 'scope' || field === 'audience') {
      body[field] = blank(value) ? null : value.trim();
      if (!same(body[field], stored?.[field] ?? null)) changed = true;
    } else {
      body[field] = value.trim();
      if (body[field] !== stored?.[field]) changed = true;
    }
  }
  return changed ? body : undefined;
}

/** The PATCH body for the fields that changed, and the errors found before sending anything. */
export function patchOf(form, sub) {
  const errors = {};
  const next = {};
  next.name = blank(form.name) ? null : form.name.trim();
  next.description = blank(form.description) ? null : form.description.trim();
  next.url = form.url.trim();
  next.method = form.method;
  const types = [...form.eventTypes, ...list(form.patterns).filter((t) => !form.eventTypes.includes(t))];
  if (types.length === 0) errors.eventTypes = 'Choose at least one event type (or give a pattern such as orders.* or *)';
  next.eventTypes = types;
  next.channels = list(form.channels).length === 0 ? null : list(form.channels);
  const headers = {};
  for (const line of form.headers.split('\n')) {
    if (blank(line)) continue;
    const at = line.indexOf(':');
    if (at <= 0) errors.headers = `"${line.trim()}" is not "Name: value"`;
    else headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  next.headers = headers;
  next.retrySchedule = blank(form.retrySchedule)
    ? null
    : list(form.retrySchedule).map((s) => number(s, 'Each retry delay', errors, 'retrySchedule'));
  next.timeoutSeconds = number(form.timeoutSeconds, 'The timeout', errors, 'timeoutSeconds');
  next.maxInFlight = blank(form.maxInFlight) ? null : number(form.maxInFlight, 'Max in flight', errors, 'maxInFlight');
  if (blank(form.rateLimit) !== blank(form.ratePeriod)) errors.rateLimit = 'Give both the limit and the period, or neither';
  next.rateLimit = blank(form.rateLimit)
    ? null
    : {
        limit: number(form.rateLimit, 'The limit', errors, 'rateLimit'),
        periodSeconds: number(form.ratePeriod, 'The period', errors, 'rateLimit'),
      };
  if (blank(form.batchMaxEvents) !== blank(form.batchMaxWaitMs))
    errors.batch = 'Give both the most events and the longest wait, or neither';
  next.batch = blank(form.batchMaxEvents)
    ? null
    : {
        maxEvents: number(form.batchMaxEvents, 'Most events', errors, 'batch'),
        maxWaitMs: number(form.batchMaxWaitMs, 'Longest wait', errors, 'batch'),
        maxBytes: blank(form.batchMaxBytes) ? null : number(form.batchMaxBytes, 'Most bytes', errors, 'batch'),
      };
  next.signing = form.signing;
  try {
    next.customData = blank(form.customData) ? null : JSON.parse(form.customData);
  } catch (e) {
    errors.customData = `Custom data is not JSON: ${e.message}`;
  }
  const body = {};
  for (const [k, v] of Object.entries(next)) {
    const stored = k === 'eventTypes' ? [...sub.eventTypes].sort() : sub[k];
    const given = k === 'eventTypes' ? [...v].sort() : v;
    if (!same(given, stored)) body[k] = v;
  }
  const auth = authBody(form, sub);
  if (auth !== undefined) body.auth = auth;
  return { body, errors };
}

/** The settings as text: what a read key (and everyone before pressing Edit) sees. */
export function SettingsView({ sub }) {
  const rows = [
    ['URL', sub.url],
    ['Name', sub.name],
    ['Description', sub.description],
    ['Method', sub.method],
    ['Event types', sub.eventTypes.join(', ')],
    ['Channels', sub.channels?.join(', ')],
    [
      'Headers',
      Object.keys(sub.headers).length
        ? Object.entries(sub.headers)
            .map(([k, v]) => `${k}: ${v}`)
            .join('; ')
        : null,
    ],
    [
      'Auth',
      sub.auth
        ? Object.entries(sub.auth)
            .map(([k, v]) => `${k}: ${show(v)}`)
            .join(', ')
        : 'none',
    ],
    ['Payload format', sub.templatePreset ? `${sub.payloadFormat} (preset ${sub.templatePreset})` : sub.payloadFormat],
    ['Filter', sub.filter?.join(' && ')],
    ['Retry schedule (s)', sub.retrySchedule ? sub.retrySchedule.join(', ') : 'the default'],
    ['Timeout (s)', sub.timeoutSeconds],
    ['Max in flight', sub.maxInFlight ?? 'adaptive'],
    ['Rate limit', sub.rateLimit ? `${sub.rateLimit.limit} per ${sub.rateLimit.periodSeconds} s` : 'none'],
    [
      'Batch',
      sub.batch
        ? `up to ${sub.batch.maxEvents} events, ${sub.batch.maxWaitMs} ms${sub.batch.maxBytes ? `, ${sub.batch.maxBytes} bytes` : ''}`
        : 'none',
    ],
    ['Signing', sub.signing ? 'Standard Webhooks signatures' : 'off'],
    ['Custom data', sub.customData],
    ['Enabled', sub.enabled ? 'yes' : 'no'],
    ['Id', sub.id],
    ['Subscriber', sub.subscriberId],
    ['Updated', sub.updatedAt],
  ];
  return html`<dl data-testid="settings">
    ${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${show(v)}</dd>`)}
  </dl>`;
}

function Field({ id, label, children, errors, name, hint }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    ${children}
    ${hint && html`<span class="note">${hint}</span>`}
    <${FieldError} name=${name} errors=${errors} />
  </div>`;
}

/** The edit form; `onSaved(sub)` gets the PATCH answer. */
export function SettingsForm({ sub, catalogue, onSaved, onCancel }) {
  const [form, setForm] = useState(() => formOf(sub, catalogue));
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const path = `/v1/subscriptions/${encodeURIComponent(sub.id)}`;
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const setAuth = (k) => (e) => setForm({ ...form, auth: { ...form.auth, [k]: e.target.value } });
  const toggleType = (t) => (e) =>
    setForm({ ...form, eventTypes: e.target.checked ? [...form.eventTypes, t] : form.eventTypes.filter((x) => x !== t) });
  const input = (name, label, hint, type = 'text') =>
    html`<${Field} id=${`set-${name}`} label=${label} name=${name} errors=${errors} hint=${hint}>
      <input id=${`set-${name}`} type=${type} value=${form[name]} onInput=${set(name)} />
    <//>`;

  async function save(e) {
    e.preventDefault();
    const { body, errors: found } = patchOf(form, sub);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    if (Object.keys(body).length === 0) {
      setErrors({ form: 'Nothing changed.' });
      return;
    }
    setBusy(true);
    try {
      onSaved(await api('PATCH', path, body), Object.keys(body));
    } catch (err) {
      const field = fieldOfError(err);
      setErrors({ [FORM_FIELDS.includes(field) ? field : 'form']: describeError(err) });
    } finally {
      setBusy(false);
    }
  }

  const storedAuthType = sub.auth?.type ?? 'none';
  return html`<form class="settings-form" data-testid="settings-form" onSubmit=${save} novalidate>
    ${input('url', 'URL')} ${input('name', 'Name')} ${input('description', 'Description')}
    <${Field} id="set-method" label="HTTP method" name="method" errors=${errors}>
      <select id="set-method" value=${form.method} onChange=${set('method')}>
        ${METHODS.map((m) => html`<option value=${m}>${m}</option>`)}
      </select>
    <//>
    <fieldset class="field">
      <legend>Event types</legend>
      ${catalogue.map(
        (t) =>
          html`<label class="check"><input type="checkbox" checked=${form.eventTypes.includes(t)} onChange=${toggleType(t)} /> ${t}</label>`,
      )}
      <label for="set-patterns">Other names or patterns (comma-separated, e.g. orders.*)</label>
      <input id="set-patterns" value=${form.patterns} onInput=${set('patterns')} />
      <${FieldError} name="eventTypes" errors=${errors} />
    </fieldset>
    ${input('channels', 'Channels', 'comma-separated; empty: every channel')}
    <${Field} id="set-headers" label="Headers" name="headers" errors=${errors} hint="one per line, Name: value">
      <textarea id="set-headers" rows="3" value=${form.headers} onInput=${set('headers')}></textarea>
    <//>
    <fieldset class="field" data-testid="auth-fields">
      <legend>Auth towards the receiver</legend>
      <label for="set-auth-type">Type</label>
      <select id="set-auth-type" value=${form.authType} onChange=${(e) => setForm({ ...form, authType: e.target.value, auth: {} })}>
        ${AUTH_TYPES.map((t) => html`<option value=${t}>${t}</option>`)}
      </select>
      ${AUTH_FIELDS[form.authType].map(
        ([field, label, credential]) => html`<label for=${`set-auth-${field}`}>${label}</label>
          <input
            id=${`set-auth-${field}`}
            type=${credential ? 'password' : 'text'}
            autocomplete="off"
            value=${form.auth[field] ?? ''}
            placeholder=${credential && storedAuthType === form.authType ? '******** (unchanged)' : ''}
            onInput=${setAuth(field)}
          />`,
      )}
      <${FieldError} name="auth" errors=${errors} />
    </fieldset>
    ${input('retrySchedule', 'Retry schedule (seconds)', 'comma-separated delays before each retry; empty: the default schedule')}
    ${input('timeoutSeconds', 'Timeout (seconds)', undefined, 'number')}
    ${input('maxInFlight', 'Max in flight', 'empty: adaptive', 'number')}
    <fieldset class="field">
      <legend>Rate limit (empty: none)</legend>
      <label for="set-rateLimit">Attempts</label>
      <input id="set-rateLimit" type="number" value=${form.rateLimit} onInput=${set('rateLimit')} />
      <label for="set-ratePeriod">per seconds</label>
      <input id="set-ratePeriod" type="number" value=${form.ratePeriod} onInput=${set('ratePeriod')} />
      <${FieldError} name="rateLimit" errors=${errors} />
    </fieldset>
    <fieldset class="field">
      <legend>Batch (empty: one request per message)</legend>
      <label for="set-batchMaxEvents">Most events</label>
      <input id="set-batchMaxEvents" type="number" value=${form.batchMaxEvents} onInput=${set('batchMaxEvents')} />
      <label for="set-batchMaxWaitMs">Longest wait (ms)</label>
      <input id="set-batchMaxWaitMs" type="number" value=${form.batchMaxWaitMs} onInput=${set('batchMaxWaitMs')} />
      <label for="set-batchMaxBytes">Most bytes (optional)</label>
      <input id="set-batchMaxBytes" type="number" value=${form.batchMaxBytes} onInput=${set('batchMaxBytes')} />
      <${FieldError} name="batch" errors=${errors} />
    </fieldset>
    <div class="field">
      <label class="check"><input id="set-signing" type="checkbox" checked=${form.signing} onChange=${set('signing')} /> Standard Webhooks signatures</label>
      <${FieldError} name="signing" errors=${errors} />
    </div>
    <${Field} id="set-customData" label="Custom data (JSON object)" name="customData" errors=${errors} hint="the cloudblue body's and the JWT's data">
      <textarea id="set-customData" rows="3" value=${form.customData} onInput=${set('customData')}></textarea>
    <//>
    <${FieldError} name="form" errors=${errors} />
    <div class="toolbar">
      <button type="submit" disabled=${busy}>Save settings</button>
      <button type="button" class="secondary" onClick=${onCancel}>Cancel</button>
    </div>
  </form>`;
}
