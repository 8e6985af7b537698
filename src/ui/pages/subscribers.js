// #/subscribers: the subscribers, newest first, a page at a time (the cursor is in the URL), with
// create, disable/enable and delete for admins (a subscriber key sees only its own subscriber). Editing and the subscriber's
// subscriptions are on #/subscribers/<id>.
import { useState } from 'preact/hooks';
import { api, ConfirmButton, Field, fieldErrors, html, isAdmin, link, Pager, parseJsonField, Time, useKept, useLoad } from '../lib.js';

const PAGE = 50;

export function Subscribers({ params }) {
  const cursor = params.get('cursor');
  const loaded = useLoad(
    () => api('GET', `/v1/subscribers?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
    [cursor],
  );
  const { error, reload } = loaded;
  const data = useKept(loaded.data, cursor);
  return html`<h1>Subscribers</h1>
    ${isAdmin() && html`<${NewSubscriber} onCreated=${reload} />`}
    ${error && html`<p class="error">${error}</p>`}
    ${!data && !error && html`<p>Loading…</p>`}
    ${
      data &&
      html`<div class="table-wrap"><table data-testid="subscribers">
        <thead><tr><th>Subscriber</th><th>Id</th><th>Enabled</th><th>Created</th><th>Subscriptions</th>${isAdmin() && html`<th>Actions</th>`}</tr></thead>
        <tbody>${data.data.map((s) => html`<${Row} key=${s.id} s=${s} reload=${reload} />`)}</tbody>
      </table></div>
      ${data.data.length === 0 && html`<p class="note">No subscribers${cursor ? ' on this page' : ' yet'}.</p>`}
      <${Pager} path="/subscribers" params=${params} nextCursor=${data.nextCursor} />`
    }`;
}

function Row({ s, reload }) {
  const path = `/v1/subscribers/${encodeURIComponent(s.id)}`;
  const detail = link(`/subscribers/${encodeURIComponent(s.id)}`);
  const [problem, setProblem] = useState(null);
  async function toggle() {
    try {
      await api('PATCH', path, { enabled: !s.enabled });
      reload();
    } catch (e) {
      setProblem(e.message);
    }
  }
  return html`<tr data-id=${s.id}>
    <td class="text"><a href=${detail}>${s.name}</a></td>
    <td><code>${s.id}</code></td>
    <td>${s.enabled ? 'yes' : html`<span class="badge disabled">disabled</span>`}</td>
    <td><${Time} value=${s.createdAt} /></td>
    <td><a href=${detail} aria-label=${`Subscriptions of ${s.name}`}>subscriptions</a></td>
    ${
      isAdmin() &&
      html`<td><div class="actions">
        <button type="button" class="secondary" data-testid="toggle" onClick=${toggle}>${s.enabled ? 'Disable' : 'Enable'}</button>
        <${ConfirmButton}
          label="Delete"
          testid="delete"
          question=${`Delete ${s.name} with all its subscriptions, messages and attempts?`}
          confirmLabel="Yes, delete"
          onConfirm=${async () => {
            await api('DELETE', path);
            reload();
          }}
        />
        ${problem && html`<span class="error" role="alert">${problem}</span>`}
      </div></td>`
    }
  </tr>`;
}

/** The create form: name, enabled, metadata (a JSON object of strings). */
function NewSubscriber({ onCreated }) {
  const [name, setName] = useState('');
  const [metadata, setMetadata] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [errors, setErrors] = useState({});
  const [created, setCreated] = useState(null);
  async function submit(e) {
    e.preventDefault();
    try {
      const body = { name, enabled };
      const meta = parseJsonField(metadata, 'metadata');
      if (meta !== undefined) body.metadata = meta;
      const s = await api('POST', '/v1/subscribers', body);
      setErrors({});
      setName('');
      setMetadata('');
      setCreated(s);
      onCreated();
    } catch (err) {
      setErrors(fieldErrors(err));
    }
  }
  return html`<details class="create">
    <summary>New subscriber</summary>
    <form class="panel" onSubmit=${submit} data-testid="new-subscriber">
      <${Field} id="sbr-name" label="Name" value=${name} required maxlength="256" error=${errors.name} onInput=${(e) => setName(e.target.value)} />
      <div class="field"><label><input type="checkbox" checked=${enabled} onChange=${(e) => setEnabled(e.target.checked)} /> Enabled</label></div>
      <${Field}
        id="sbr-metadata"
        label="Metadata (optional)"
        textarea
        hint='A JSON object of strings, e.g. {"crm": "C-1001"}'
        value=${metadata}
        error=${errors.metadata}
        onInput=${(e) => setMetadata(e.target.value)}
      />
      <div class="actions"><button type="submit">Create subscriber</button>
      ${errors.form && html`<span class="error" role="alert">${errors.form}</span>`}
      ${created && html`<span role="status">Created <a href=${link(`/subscribers/${encodeURIComponent(created.id)}`)}>${created.name}</a>.</span>`}</div>
    </form>
  </details>`;
}
