// Secrets and recovery on the subscription detail page, for callers who may write (never rendered
// for read keys, which get 403 on the secret routes). A secret stays hidden until "Reveal" (GET
// .../secret or .../jwt-secret); "Rotate" asks first, then POSTs .../rotate and shows both secrets
// with the previous one's expiry: until then every delivery carries both signatures (or either JWT
// verifies), so receivers can switch without a gap.
import { useState } from 'preact/hooks';
import { api, describeError, html, when } from '../lib.js';

/** How long the previous secret stays valid after a rotation: [seconds, label]. */
const OVERLAPS = [
  [3600, '1 hour'],
  [86400, '24 hours'],
  [604800, '7 days'],
  [0, 'no overlap: end it now'],
];

async function copy(text, setStatus) {
  try {
    await navigator.clipboard.writeText(text);
    setStatus('Copied to the clipboard.');
  } catch {
    setStatus('The browser refused the clipboard: select the text and copy it.');
  }
}

/** One secret: `kind` is 'secret' (signing) or 'jwt-secret'. */
export function SecretPanel({ path, kind, title }) {
  const [shown, setShown] = useState(null);
  const [confirming, setConfirming] = useState(false);
  const [overlap, setOverlap] = useState('86400');
  const [status, setStatus] = useState(null);
  const reveal = async () => {
    try {
      setShown(await api('GET', `${path}/${kind}`));
      setStatus(null);
    } catch (e) {
      setStatus(`Not shown: ${describeError(e)}`);
    }
  };
  const rotate = async () => {
    try {
      const rotated = await api('POST', `${path}/${kind}/rotate`, { expiresInSeconds: Number(overlap) });
      setConfirming(false);
      setShown(await api('GET', `${path}/${kind}`));
      setStatus(
        rotated.previousSecretExpiresAt
          ? `Rotated. Both secrets are valid until ${when(rotated.previousSecretExpiresAt)}.`
          : 'Rotated. The previous secret is no longer valid.',
      );
    } catch (e) {
      setStatus(`Not rotated: ${describeError(e)}`);
    }
  };
  const id = `${kind}-panel`;
  return html`<section class="secret" data-testid=${id} aria-labelledby=${`${id}-title`}>
    <h3 id=${`${id}-title`}>${title}</h3>
    ${
      shown
        ? html`<dl data-testid=${`${kind}-values`}>
            <dt>Current</dt>
            <dd><code data-testid=${`${kind}-current`}>${shown.secret}</code>
              <button type="button" class="secondary small" onClick=${() => copy(shown.secret, setStatus)}>Copy</button></dd>
            <dt>Previous</dt>
            <dd data-testid=${`${kind}-previous`}>
              ${
                shown.previousSecret
                  ? html`<code>${shown.previousSecret}</code> — still valid until <time datetime=${shown.previousSecretExpiresAt}>${when(shown.previousSecretExpiresAt)}</time>; until then both are valid`
                  : 'none (only the current secret is valid)'
              }
            </dd>
          </dl>
          <div class="toolbar"><button type="button" class="secondary" onClick=${() => setShown(null)}>Hide</button></div>`
        : html`<p><code>••••••••</code> <button type="button" onClick=${reveal}>Reveal</button></p>`
    }
    ${
      confirming
        ? html`<div class="confirm" role="group" aria-label="Confirm rotation">
            <p>A new secret replaces the current one. Keep the current one valid for:</p>
            <label for=${`${kind}-overlap`} class="sr-only">Overlap</label>
            <select id=${`${kind}-overlap`} value=${overlap} onChange=${(e) => setOverlap(e.target.value)}>
              ${OVERLAPS.map(([s, label]) => html`<option value=${String(s)}>${label}</option>`)}
            </select>
            <button type="button" onClick=${rotate}>Rotate now</button>
            <button type="button" class="secondary" onClick=${() => setConfirming(false)}>Cancel</button>
          </div>`
        : html`<div class="toolbar"><button type="button" class="secondary" onClick=${() => setConfirming(true)}>Rotate…</button></div>`
    }
    ${status && html`<p role="status" data-testid=${`${kind}-status`}>${status}</p>`}
  </section>`;
}

/** A local date-time input's value (YYYY-MM-DDTHH:MM) for a time. */
function localInput(ms) {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** Recover since a date: POST .../recover, then how many messages went again. */
export function RecoverPanel({ path, onDone }) {
  const [since, setSince] = useState(() => localInput(Date.now() - 24 * 3600_000));
  const [retrying, setRetrying] = useState(false);
  const [result, setResult] = useState(null);
  const recover = async (e) => {
    e.preventDefault();
    const at = new Date(since);
    if (Number.isNaN(at.getTime())) return setResult({ error: 'Give a date and time.' });
    try {
      const body = { since: at.toISOString(), ...(retrying ? { status: ['failed', 'retrying'] } : {}) };
      const r = await api('POST', `${path}/recover`, body);
      setResult({
        text: `${r.messages} message${r.messages === 1 ? '' : 's'} queued again${r.inFlight ? `; ${r.inFlight} had an attempt under way and were left to it` : ''}.`,
      });
      onDone();
    } catch (err) {
      setResult({ error: describeError(err) });
    }
  };
  return html`<form class="toolbar" data-testid="recover" onSubmit=${recover}>
    <label for="recover-since">Failed messages created since</label>
    <input id="recover-since" type="datetime-local" value=${since} onInput=${(e) => setSince(e.target.value)} required />
    <label class="check"><input type="checkbox" checked=${retrying} onChange=${(e) => setRetrying(e.target.checked)} /> also those still retrying</label>
    <button type="submit">Recover</button>
    ${result?.text && html`<span role="status" data-testid="recover-result">${result.text}</span>`}
    ${result?.error && html`<span class="error" role="alert" data-testid="recover-error">${result.error}</span>`}
  </form>`;
}
