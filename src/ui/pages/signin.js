import { useState } from 'preact/hooks';
import { html, signIn } from '../lib.js';

/** Sign-in with an API key, or with the operator user name and password (as Jiwa's /auth). Either
 *  opens a session in an HttpOnly cookie; the key or password is not kept anywhere in the browser. */
export function SignIn() {
  const [value, setValue] = useState('');
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  async function attempt(e, credentials, refusal) {
    e.preventDefault();
    setError(null);
    try {
      await signIn(credentials);
    } catch (err) {
      setError(err.code === 'rate_limited' ? err.message : refusal);
    }
  }
  return html`<div class="signin">
    <h1>Sign in to Herald</h1>
    <form onSubmit=${(e) => attempt(e, value.trim(), 'That key was not accepted.')} data-testid="signin-key">
      <label for="key">API key</label>
      <input id="key" name="key" type="password" autocomplete="off" value=${value} onInput=${(e) => setValue(e.target.value)} required />
      <button type="submit">Sign in</button>
    </form>
    <form onSubmit=${(e) => attempt(e, { userName: userName.trim(), password }, 'That user name and password were not accepted.')} data-testid="signin-password">
      <p class="note">Or, as an operator, with the user name and password:</p>
      <label for="user">User name</label>
      <input id="user" name="user" autocomplete="username" value=${userName} onInput=${(e) => setUserName(e.target.value)} required />
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" value=${password} onInput=${(e) => setPassword(e.target.value)} required />
      <button type="submit" class="secondary">Sign in with password</button>
    </form>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <p class="note">Signing in opens a session kept in a cookie this page cannot read; the key or password is not stored in the browser.</p>
  </div>`;
}
