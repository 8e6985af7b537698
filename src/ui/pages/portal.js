import { useEffect, useState } from 'preact/hooks';
import { html, signIn } from '../lib.js';

const REFUSALS = {
  portal_link_expired: 'This portal link has expired. Ask the operator who sent it for a new one.',
  portal_link_used: 'This portal link was already used: each link opens the portal once. Ask for a new one.',
};

/** The subscriber portal's entry, /ui/portal#token=...: exchanges the single-use link for a session
 *  confined to its subscriber, then shows that subscriber's subscriptions. The token is in the
 *  fragment (never sent in a request line or logged) and is removed from the address bar at once. */
export function Portal() {
  const [error, setError] = useState(null);
  useEffect(() => {
    const token = new URLSearchParams(location.hash.slice(1)).get('token');
    history.replaceState(null, '', '/ui/portal');
    if (!token) {
      setError('This portal link is incomplete: open the whole link you were sent.');
      return;
    }
    signIn({ portalToken: token }).then(
      () => location.replace('/ui/#/subscriptions'),
      (err) => setError(REFUSALS[err.code] ?? 'This portal link is not valid. Ask for a new one.'),
    );
  }, []);
  return html`<div class="signin">
    <h1>Herald subscriber portal</h1>
    ${error ? html`<p class="error" role="alert" data-testid="portal-error">${error}</p>` : html`<p role="status">Opening the portal…</p>`}
  </div>`;
}
