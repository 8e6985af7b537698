import { useState } from 'preact/hooks';
import { html, signIn } from '../lib.js';

export function SignIn() {
  const [value, setValue] = useState('');
  const [error, setError] = useState(null);
  async function submit(e) {
    e.preventDefault();
    try {
      await signIn(value.trim());
    } catch {
      setError('That key was not accepted.');
    }
  }
  return html`<form class="signin" onSubmit=${submit}>
    <h1>Sign in to Herald</h1>
    <label for="key">API key</label>
    <input id="key" name="key" type="password" autocomplete="off" value=${value} onInput=${(e) => setValue(e.target.value)} required />
    <button type="submit">Sign in</button>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <p class="note">The key is kept in this tab only (sessionStorage) and sent to /v1 as a bearer token.</p>
  </form>`;
}
