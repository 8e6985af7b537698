// The filter and template editor with a live preview (DESIGN.md §5 "Preview"). Typing changes a
// draft; 300 ms after the last keystroke the draft goes to POST /v1/subscriptions/{id}/preview as
// `draft` (checked as PATCH checks it, never stored) with a sample event: a recent event of this
// subscription, or an event type's example. The answer shows whether the filter matches, the exact
// body, the headers (credentials masked) and the signature; while the draft does not compile, the
// 422's position. Save PATCHes the fields that differ from the stored subscription.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, canWrite, describeError, html } from '../lib.js';
import { FieldError, fieldOfError } from './subscription-settings.js';

export const FORMATS = ['standard', 'raw', 'acculynx', 'cloudblue', 'template'];
const DEBOUNCE_MS = 300; // wait this long after the last keystroke before asking for a preview

/** The editor's state from a subscription. */
function draftOf(sub) {
  return {
    filter: (sub.filter ?? []).join('\n'),
    format: sub.payloadFormat,
    preset: sub.templatePreset ?? '',
    template: sub.template === null || sub.template === undefined ? '' : JSON.stringify(sub.template, null, 2),
  };
}

/** The draft as the API takes it ({filter, payloadFormat, template | templatePreset}), or a parse error. */
function draftBody(d) {
  const lines = d.filter
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const body = { filter: lines.length === 0 ? null : lines, payloadFormat: d.format };
  if (d.format !== 'template') return { body };
  if (d.preset !== '') return { body: { ...body, templatePreset: d.preset } };
  if (d.template.trim() === '') return { body: { ...body, template: null } };
  try {
    return { body: { ...body, template: JSON.parse(d.template) } };
  } catch (e) {
    return { error: { template: `The template is not JSON: ${e.message}` } };
  }
}

/** The PATCH body: only what differs from the stored subscription. */
function changesOf(body, sub) {
  const out = {};
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(body.filter, sub.filter)) out.filter = body.filter;
  if (body.payloadFormat !== sub.payloadFormat) out.payloadFormat = body.payloadFormat;
  if (body.templatePreset !== undefined && body.templatePreset !== sub.templatePreset) out.templatePreset = body.templatePreset;
  if (body.template !== undefined && !same(body.template, sub.template)) out.template = body.template;
  return out;
}

/** Does an event type pattern (exact, prefix.*, *) take `name`? */
const takes = (pattern, name) => pattern === '*' || pattern === name || (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1)));

/** The sample events to preview with: recent events of this subscription, then examples of its types. */
export function samplesOf(sub, catalogue, recent) {
  const samples = [];
  const seen = new Set();
  // Events of the subscription's own types first: a "Trigger now" event (herald.test) would not match.
  const fits = (m) => sub.eventTypes.some((p) => takes(p, m.eventType));
  for (const m of [...recent.filter(fits), ...recent.filter((m) => !fits(m))]) {
    if (seen.has(m.eventId)) continue;
    seen.add(m.eventId);
    samples.push({
      key: `event:${m.eventId}`,
      label: `Recent event ${m.eventType} (${new Date(m.createdAt).toLocaleString()})`,
      body: { eventId: m.eventId },
    });
  }
  for (const t of catalogue) {
    if (sub.eventTypes.some((p) => takes(p, t.name))) {
      samples.push({
        key: `type:${t.name}`,
        label: `Example of ${t.name}${t.example === null ? ' (none: {})' : ''}`,
        body: { type: t.name },
      });
    }
  }
  for (const p of sub.eventTypes) {
    if (!p.includes('*') && !catalogue.some((t) => t.name === p))
      samples.push({ key: `type:${p}`, label: `${p} with data {}`, body: { type: p } });
  }
  return samples;
}

function PreviewPane({ state }) {
  if (state.error) {
    return html`<div class="preview" data-testid="preview" aria-live="polite">
      <p class="error" role="alert" data-testid="preview-error">${state.error}</p>
    </div>`;
  }
  const p = state.result;
  if (!p)
    return html`<div class="preview" data-testid="preview"><p class="note">${state.loading ? 'Rendering…' : 'No preview yet.'}</p></div>`;
  const headers = Object.entries(p.request?.headers ?? {});
  return html`<div class="preview" data-testid="preview" aria-live="polite">
    <p data-testid="preview-matches" class=${p.matches ? 'ok' : 'error'}>
      ${p.matches ? 'Matches: this event would be sent.' : `Does not match (${p.reason}): this event would not be sent.`}
    </p>
    ${
      p.filters.length > 0 &&
      html`<ul data-testid="preview-filters">
        ${p.filters.map((f) => html`<li><code>${f.expression}</code> → ${f.result === null ? `error: ${f.error}` : String(f.result)}</li>`)}
      </ul>`
    }
    ${p.error && html`<p class="error" data-testid="preview-format-error">${p.error.code}: ${p.error.message}</p>`}
    ${
      p.request &&
      html`<p><strong>${p.request.method}</strong> <code class="wrap">${p.request.url}</code></p>
        <p class="note">Signature: <code data-testid="preview-signature" class="wrap">${p.request.headers['webhook-signature'] ?? 'none (signing off)'}</code></p>
        <div class="table-wrap"><table data-testid="preview-headers">
          <thead><tr><th>Header</th><th>Value</th></tr></thead>
          <tbody>${headers.map(([k, v]) => html`<tr><td>${k}</td><td class="wrap">${v}</td></tr>`)}</tbody>
        </table></div>
        <p class="note">Body (exact bytes):</p>
        <pre data-testid="preview-body">${p.request.body ?? '(none: GET)'}</pre>`
    }
  </div>`;
}

/** The editor; `onSaved(sub)` gets the PATCH answer. Read keys see it read-only, with the preview. */
export function FilterTemplateEditor({ sub, catalogue, recent, presets, onSaved }) {
  const writable = canWrite();
  const [draft, setDraft] = useState(() => draftOf(sub));
  const samples = samplesOf(sub, catalogue, recent);
  const [sample, setSample] = useState(samples[0]?.key ?? '');
  const [preview, setPreview] = useState({ loading: false, result: null, error: null });
  const [errors, setErrors] = useState({});
  const [saved, setSaved] = useState(null);
  const seq = useRef(0);
  const path = `/v1/subscriptions/${encodeURIComponent(sub.id)}`;
  const parsed = draftBody(draft);
  const sampleBody = samples.find((s) => s.key === sample)?.body;
  // A saved change elsewhere (URL, auth, headers) changes the request too: updatedAt renders it again.
  const key = JSON.stringify([parsed, sampleBody, sub.updatedAt]);

  useEffect(() => {
    if (parsed.error) {
      setPreview({ loading: false, result: null, error: Object.values(parsed.error)[0] });
      return;
    }
    if (!sampleBody) return;
    const mine = ++seq.current;
    setPreview((p) => ({ ...p, loading: true }));
    const timer = setTimeout(async () => {
      try {
        const result = await api('POST', `${path}/preview`, { ...sampleBody, draft: parsed.body });
        if (mine === seq.current) setPreview({ loading: false, result, error: null });
      } catch (e) {
        if (mine === seq.current) setPreview({ loading: false, result: null, error: `${e.code}: ${describeError(e)}` });
      }
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [key]);

  const set = (k) => (e) => {
    setSaved(null);
    setDraft({ ...draft, [k]: e.target.value });
  };
  async function save() {
    if (parsed.error) return setErrors(parsed.error);
    const changes = changesOf(parsed.body, sub);
    if (Object.keys(changes).length === 0) return setErrors({ editor: 'Nothing changed.' });
    try {
      const updated = await api('PATCH', path, changes);
      setErrors({});
      setSaved(`Saved ${Object.keys(changes).join(', ')}.`);
      onSaved(updated);
    } catch (e) {
      const field = fieldOfError(e);
      setErrors({ [['filter', 'template'].includes(field) ? field : 'editor']: describeError(e) });
    }
  }
  const presetOf = presets.find((p) => p.name === draft.preset);

  return html`<div class="editor" data-testid="editor">
    <div class="editor-inputs">
      <label for="ed-filter">Filter (CEL, one expression per line; all must hold)</label>
      <textarea id="ed-filter" rows="4" spellcheck="false" readOnly=${!writable} value=${draft.filter} onInput=${set('filter')}
        placeholder='order.total > 100'></textarea>
      <${FieldError} name="filter" errors=${errors} />
      <label for="ed-format">Payload format</label>
      <select id="ed-format" disabled=${!writable} value=${draft.format} onChange=${set('format')}>
        ${FORMATS.map((f) => html`<option value=${f}>${f}</option>`)}
      </select>
      ${
        draft.format === 'template' &&
        html`<label for="ed-preset">Template</label>
          <select id="ed-preset" disabled=${!writable} value=${draft.preset} onChange=${set('preset')}>
            <option value="">my own (below)</option>
            ${presets.map((p) => html`<option value=${p.name}>preset: ${p.name}</option>`)}
          </select>
          ${
            presetOf
              ? html`<p class="note">${presetOf.description}</p>
                  ${writable && html`<button type="button" class="secondary" onClick=${() => setDraft({ ...draft, preset: '', template: JSON.stringify(presetOf.template, null, 2) })}>Edit a copy</button>`}`
              : html`<label for="ed-template">Template (JSON with {{ CEL }} holes)</label>
                  <textarea id="ed-template" rows="10" spellcheck="false" readOnly=${!writable} value=${draft.template} onInput=${set('template')}
                    placeholder='{"order_id": "{{ order.id }}"}'></textarea>`
          }
          <${FieldError} name="template" errors=${errors} />`
      }
      <label for="ed-sample">Sample event</label>
      <select id="ed-sample" value=${sample} onChange=${(e) => setSample(e.target.value)}>
        ${samples.map((s) => html`<option value=${s.key}>${s.label}</option>`)}
      </select>
      ${samples.length === 0 && html`<p class="note">No sample: this subscription has no recent event and its types are patterns with no catalogue entry.</p>`}
      <${FieldError} name="editor" errors=${errors} />
      ${
        writable &&
        html`<div class="toolbar">
          <button type="button" onClick=${save}>Save filter and payload</button>
          <button type="button" class="secondary" onClick=${() => setDraft(draftOf(sub))}>Reset</button>
          ${saved && html`<span role="status" data-testid="editor-saved">${saved}</span>`}
        </div>`
      }
    </div>
    <${PreviewPane} state=${preview} />
  </div>`;
}
