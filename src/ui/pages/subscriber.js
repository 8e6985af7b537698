// #/subscribers/<id>: one subscriber: rename and metadata, disable/enable, delete, and its
// subscriptions (a page at a time, cursor in the URL) with "New subscription", whose answer shows
// the signing secret this once.
import { useState } from 'preact/hooks';
import {
  api,
  ConfirmButton,
  CopyButton,
  canWrite,
  Field,
  fieldErrors,
  html,
  isAdmin,
  link,
  Pager,
  parseJsonField,
  prettyJson,
  Time,
  useKept,
  useLoad,
} from '../lib.js';

const PAGE = 50;

export function SubscriberDetail({ id, params }) {
  const cursor = params.get('cursor');
  // Kept here, above the loading state, so the reload after a create does not lose the secret.
  const [created, setCreated] = useState(null);
  const path = `/v1/subscribers/${encodeURIComponent(id)}`;
  const loaded = useLoad(async () => {
    const [subscriber, subs] = await Promise.all([
      api('GET', path),
      api('GET', `${path}/subscriptions?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
    ]);
    return { subscriber, subs };
  }, [id, cursor]);
  const { error, reload } = loaded;
  const data = useKept(loaded.data, `${id}?${cursor}`);
  if (error) return html`<p class="error">${error}</p>`;
  if (!data) return html`<p>Loading…</p>`;
  const { subscriber: s, subs } = data;
  return html`<p><a href="#/subscribers">← Subscribers</a></p>
    <h1>Subscriber ${s.name}</h1>
    <dl data-testid="subscriber">
      <dt>Id</dt><dd><code>${s.id}</code></dd>
      <dt>Enabled</dt><dd>${s.enabled ? 'yes' : html`<span class="badge disabled">disabled</span>`}</dd>
      <dt>Metadata</dt><dd>${s.metadata ? html`<pre>${prettyJson(s.metadata)}</pre>` : '—'}</dd>
      <dt>Created</dt><dd><${Time} value=${s.createdAt} /></dd>
      <dt>Updated</dt><dd><${Time} value=${s.updatedAt} /></dd>
    </dl>
    ${isAdmin() && html`<${EditSubscriber} key=${s.updatedAt} s=${s} path=${path} onSaved=${reload} />`}
    <h2>Subscriptions</h2>
    ${created && html`<${SecretOnce} created=${created} onDone=${() => setCreated(null)} />`}
    ${
      canWrite() &&
      html`<${NewSubscription}
        path=${path}
        onCreated=${(sub) => {
          setCreated(sub);
          reload();
        }}
      />`
    }
    <div class="table-wrap"><table data-testid="subscriber-subscriptions">
      <thead><tr><th>Subscription</th><th>URL</th><th>Event types</th><th>Health</th><th>Enabled</th></tr></thead>
      <tbody>
        ${subs.data.map(
          (sub) => html`<tr data-id=${sub.id}>
            <td><a href=${link(`/subscriptions/${encodeURIComponent(sub.id)}`)}>${sub.name ?? sub.id}</a></td>
            <td class="wrap">${sub.url}</td>
            <td class="text">${sub.eventTypes.join(', ')}</td>
            <td><span class=${`badge ${sub.health.status}`}>${sub.health.status}</span></td>
            <td>${sub.enabled ? 'yes' : 'no'}</td>
          </tr>`,
        )}
      </tbody>
    </table></div>
    ${subs.data.length === 0 && html`<p class="note">No subscriptions${cursor ? ' on this page' : ' yet'}.</p>`}
    <${Pager} path=${`/subscribers/${encodeURIComponent(id)}`} params=${params} nextCursor=${subs.nextCursor} />`;
}

function EditSubscriber({ s, path, onSaved }) {
  const [name, setName] = useState(s.name);
  const [metadata, setMetadata] = useState(s.metadata ? prettyJson(s.metadata) : '');
  const [errors, setErrors] = useState({});
  const [saved, setSaved] = useState(null);
  async function save(e) {
    e.preventDefault();
    try {
      const meta = parseJsonField(metadata, 'metadata');
      await api('PATCH', path, { name, metadata: meta === undefined ? null : meta });
      setErrors({});
      setSaved('Saved.');
      onSaved();
    } catch (err) {
      setErrors(fieldErrors(err));
    }
  }
  async function toggle() {
    try {
      await api('PATCH', path, { enabled: !s.enabled });
      onSaved();
    } catch (err) {
      setErrors(fieldErrors(err));
    }
  }
  return html`<h2>Edit</h2>
    <form class="panel" onSubmit=${save} data-testid="edit-subscriber">
      <${Field} id="edit-name" label="Name" value=${name} required maxlength="256" error=${errors.name} onInput=${(e) => setName(e.target.value)} />
      <${Field}
        id="edit-metadata"
        label="Metadata"
        textarea
        hint="A JSON object of strings; empty: none"
        value=${metadata}
        error=${errors.metadata}
        onInput=${(e) => setMetadata(e.target.value)}
      />
      <div class="actions">
        <button type="submit">Save</button>
        <button type="button" class="secondary" data-testid="toggle" onClick=${toggle}>${s.enabled ? 'Disable subscriber' : 'Enable subscriber'}</button>
        <${ConfirmButton}
          label="Delete subscriber"
          testid="delete"
          question=${`Delete ${s.name} with all its subscriptions, messages and attempts?`}
          confirmLabel="Yes, delete"
          onConfirm=${async () => {
            await api('DELETE', path);
            location.hash = '#/subscribers';
          }}
        />
        ${errors.form && html`<span class="error" role="alert">${errors.form}</span>`}
        ${saved && html`<span role="status">${saved}</span>`}
      </div>
    </form>`;
}

/** URL and event types (comma-separated, wildcards allowed); the answer's secret is shown once. */
function NewSubscription({ path, onCreated }) {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState('');
  const [errors, setErrors] = useState({});
  async function submit(e) {
    e.preventDefault();
    try {
      const body = {
        url,
        eventTypes: types
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      };
      if (name.trim()) body.name = name.trim();
      const sub = await api('POST', `${path}/subscriptions`, body);
      setErrors({});
      setName('');
      setUrl('');
      setTypes('');
      onCreated(sub);
    } catch (err) {
      setErrors(fieldErrors(err, { invalid_url: 'url', unknown_event_type: 'eventTypes', url_not_allowed: 'url' }));
    }
  }
  return html`<details class="create">
      <summary>New subscription</summary>
      <form class="panel" onSubmit=${submit} data-testid="new-subscription">
        <${Field} id="sub-name" label="Name (optional)" value=${name} maxlength="256" error=${errors.name} onInput=${(e) => setName(e.target.value)} />
        <${Field} id="sub-url" label="URL" type="url" required value=${url} error=${errors.url} onInput=${(e) => setUrl(e.target.value)} />
        <${Field}
          id="sub-event-types"
          label="Event types"
          required
          hint="Comma-separated names from the event catalogue; wildcards such as salesorder.* or * are allowed"
          value=${types}
          error=${errors.eventTypes}
          onInput=${(e) => setTypes(e.target.value)}
        />
        <div class="actions"><button type="submit">Create subscription</button>
        ${errors.form && html`<span class="error" role="alert">${errors.form}</span>`}</div>
      </form>
    </details>`;
}

/** The create answer's signing secret, shown this once. */
function SecretOnce({ created, onDone }) {
  return html`<div class="once" role="status" data-testid="subscription-secret">
    <p><strong>Subscription ${created.name ?? created.id} created.</strong> Copy its signing secret now: you will not see it again
    here (an admin can still reveal or rotate it on the subscription's page).</p>
    <p><code data-testid="secret">${created.secret}</code> <${CopyButton} text=${created.secret} testid="copy-secret" /></p>
    <button type="button" class="secondary" onClick=${onDone}>Done, hide it</button>
  </div>`;
}
