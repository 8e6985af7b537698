// #/event-types: the event catalogue by name, a page at a time (the cursor is in the URL), each
// with its description and, folded in <details>, its JSON Schema and example. Admins add, edit and
// delete entries (schema and example as JSON text areas; a 422 shows next to its field) and import
// many at once from pasted JSON (POST /v1/event-types/import).
import { useState } from 'preact/hooks';
import {
  api,
  ConfirmButton,
  Field,
  fieldErrors,
  html,
  isAdmin,
  Pager,
  parseJsonField,
  prettyJson,
  Time,
  useKept,
  useLoad,
} from '../lib.js';

const PAGE = 50;
/** The catalogue's 422 codes and the field each is about. */
const CODE_FIELDS = { invalid_schema: 'schema', invalid_example: 'example', invalid_event_type_name: 'name', conflict: 'name' };

export function EventTypes({ params }) {
  const cursor = params.get('cursor');
  const [editing, setEditing] = useState(null);
  const loaded = useLoad(
    () => api('GET', `/v1/event-types?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
    [cursor],
  );
  const { error, reload } = loaded;
  const data = useKept(loaded.data, cursor);
  return html`<h1>Event catalogue</h1>
    ${
      isAdmin() &&
      html`<details class="create">
        <summary>New event type</summary>
        <${EventTypeForm} key="new" onSaved=${reload} />
      </details>
      <details class="create">
        <summary>Import event types</summary>
        <${ImportForm} onImported=${reload} />
      </details>`
    }
    ${error && html`<p class="error">${error}</p>`}
    ${!data && !error && html`<p>Loading…</p>`}
    ${
      data &&
      html`<div class="table-wrap"><table data-testid="event-types">
        <thead><tr><th>Name</th><th>Description</th><th>Schema and example</th><th>Updated</th>${isAdmin() && html`<th>Actions</th>`}</tr></thead>
        <tbody>
          ${data.data.map((t) =>
            editing === t.name
              ? html`<tr data-name=${t.name}><td colspan="5">
                  <${EventTypeForm} current=${t} onSaved=${() => {
                    setEditing(null);
                    reload();
                  }} onCancel=${() => setEditing(null)} />
                </td></tr>`
              : html`<${Row} key=${t.name} t=${t} onEdit=${() => setEditing(t.name)} reload=${reload} />`,
          )}
        </tbody>
      </table></div>
      ${data.data.length === 0 && html`<p class="note">The catalogue is empty${cursor ? ' on this page' : ''}.</p>`}
      <${Pager} path="/event-types" params=${params} nextCursor=${data.nextCursor} />`
    }`;
}

function Row({ t, onEdit, reload }) {
  return html`<tr data-name=${t.name}>
    <td><code>${t.name}</code></td>
    <td class="text">${t.description || html`<span class="note">—</span>`}</td>
    <td class="text">
      ${t.schema !== null ? html`<details data-testid="schema"><summary>Schema</summary><pre>${prettyJson(t.schema)}</pre></details>` : html`<div class="note">no schema</div>`}
      ${t.example !== null ? html`<details data-testid="example"><summary>Example</summary><pre>${prettyJson(t.example)}</pre></details>` : html`<div class="note">no example</div>`}
    </td>
    <td><${Time} value=${t.updatedAt} /></td>
    ${
      isAdmin() &&
      html`<td><div class="actions">
        <button type="button" class="secondary" data-testid="edit" onClick=${onEdit}>Edit</button>
        <${ConfirmButton}
          label="Delete"
          testid="delete"
          question=${`Remove ${t.name} from the catalogue?`}
          confirmLabel="Yes, delete"
          onConfirm=${async () => {
            await api('DELETE', `/v1/event-types/${encodeURIComponent(t.name)}`);
            reload();
          }}
        />
      </div></td>`
    }
  </tr>`;
}

/** Create (no `current`) or edit: name (create only), description, schema and example as JSON. */
function EventTypeForm({ current, onSaved, onCancel }) {
  const [name, setName] = useState(current?.name ?? '');
  const [description, setDescription] = useState(current?.description ?? '');
  const [schema, setSchema] = useState(current?.schema != null ? prettyJson(current.schema) : '');
  const [example, setExample] = useState(current?.example != null ? prettyJson(current.example) : '');
  const [errors, setErrors] = useState({});
  const [done, setDone] = useState(null);
  const prefix = current ? 'edit-et' : 'et';
  async function submit(e) {
    e.preventDefault();
    try {
      // Parse both first so the two JSON fields report their errors together.
      const problems = {};
      const parsed = {};
      for (const [field, text] of [
        ['schema', schema],
        ['example', example],
      ]) {
        try {
          parsed[field] = parseJsonField(text, field);
        } catch (err) {
          Object.assign(problems, fieldErrors(err));
        }
      }
      if (Object.keys(problems).length > 0) {
        setErrors(problems);
        return;
      }
      // An emptied text area clears the stored value when editing; on create it is just left out.
      const body = { description };
      if (parsed.schema !== undefined || current) body.schema = parsed.schema ?? null;
      if (parsed.example !== undefined || current) body.example = parsed.example ?? null;
      if (current) await api('PATCH', `/v1/event-types/${encodeURIComponent(current.name)}`, body);
      else await api('POST', '/v1/event-types', { name, ...body });
      setErrors({});
      if (!current) {
        setDone(`Added ${name}.`);
        setName('');
        setDescription('');
        setSchema('');
        setExample('');
      }
      onSaved();
    } catch (err) {
      setErrors(fieldErrors(err, CODE_FIELDS));
    }
  }
  return html`<form class="panel" onSubmit=${submit} data-testid=${current ? 'edit-event-type' : 'new-event-type'}>
    ${
      current
        ? html`<p><strong>Editing <code>${current.name}</code></strong></p>`
        : html`<${Field}
            id=${`${prefix}-name`}
            label="Name"
            required
            hint="Lowercase dotted words, e.g. salesorder.created"
            value=${name}
            error=${errors.name}
            onInput=${(e) => setName(e.target.value)}
          />`
    }
    <${Field} id=${`${prefix}-description`} label="Description" value=${description} error=${errors.description} onInput=${(e) => setDescription(e.target.value)} />
    <${Field}
      id=${`${prefix}-schema`}
      label="JSON Schema (optional)"
      textarea
      hint="The schema the data of events of this type must match; empty: none"
      value=${schema}
      error=${errors.schema}
      onInput=${(e) => setSchema(e.target.value)}
    />
    <${Field}
      id=${`${prefix}-example`}
      label="Example data (optional)"
      textarea
      hint="Any JSON; it must match the schema"
      value=${example}
      error=${errors.example}
      onInput=${(e) => setExample(e.target.value)}
    />
    <div class="actions">
      <button type="submit">${current ? 'Save' : 'Add event type'}</button>
      ${onCancel && html`<button type="button" class="secondary" onClick=${onCancel}>Cancel</button>`}
      ${errors.form && html`<span class="error" role="alert" data-testid="form-error">${errors.form}</span>`}
      ${done && html`<span role="status">${done}</span>`}
    </div>
  </form>`;
}

/** Pasted JSON: an array of entries or {eventTypes: [...]}, as POST /v1/event-types/import takes. */
function ImportForm({ onImported }) {
  const [text, setText] = useState('');
  const [error, setError] = useState(null);
  const [result, setResult] = useState(null);
  async function submit(e) {
    e.preventDefault();
    setResult(null);
    try {
      const value = parseJsonField(text, 'import');
      if (value === undefined) throw new Error('Paste a JSON array of event types first.');
      const body = Array.isArray(value) ? { eventTypes: value } : value;
      const r = await api('POST', '/v1/event-types/import', body);
      setError(null);
      setResult(`Imported: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged.`);
      onImported();
    } catch (err) {
      setError(err.message ?? String(err));
    }
  }
  return html`<form class="panel" onSubmit=${submit} data-testid="import-event-types">
    <${Field}
      id="import"
      label="Event types as JSON"
      textarea
      hint='[{"name": "salesorder.created", "description": "…", "schema": {…}, "example": {…}}, …] or {"eventTypes": […]}; all or nothing'
      value=${text}
      error=${error}
      onInput=${(e) => setText(e.target.value)}
    />
    <div class="actions">
      <button type="submit">Import</button>
      ${result && html`<span role="status" data-testid="import-result">${result}</span>`}
    </div>
  </form>`;
}
