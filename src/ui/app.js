// Herald dashboard (issue 19). Preact + htm + signals, no build step. Hash routes: #/ (overview),
// #/subscriptions[?health=...], #/subscriptions/<id>, ... Each page is a module in pages/; this file
// only routes. To add a page: one line in ROUTES (and one in NAV when it has a menu entry).

import { render } from 'preact';
import { currentRoute, html, key, loadScope, scope, signedInAs, signOut } from './lib.js';
import { ApiKeys } from './pages/api-keys.js';
import { AuditLog } from './pages/audit-log.js';
import { EventTypes } from './pages/event-types.js';
import { MessageDetail } from './pages/message.js';
import { Messages } from './pages/messages.js';
import { Overview } from './pages/overview.js';
import { Portal } from './pages/portal.js';
import { SignIn } from './pages/signin.js';
import { SubscriberDetail } from './pages/subscriber.js';
import { Subscribers } from './pages/subscribers.js';
import { SubscriptionDetail } from './pages/subscription.js';
import { Subscriptions } from './pages/subscriptions.js';

/** [path pattern, page]: the first match wins; a pattern's groups are passed as `id` (decoded). */
const ROUTES = [
  [/^\/subscriptions\/([^/]+)$/, SubscriptionDetail],
  [/^\/subscriptions$/, Subscriptions],
  [/^\/messages\/([^/]+)$/, MessageDetail],
  [/^\/messages$/, Messages],
  [/^\/subscribers\/([^/]+)$/, SubscriberDetail],
  [/^\/subscribers$/, Subscribers],
  [/^\/event-types$/, EventTypes],
  [/^\/api-keys$/, ApiKeys],
  [/^\/audit-log$/, AuditLog],
  [/^\/?$/, Overview],
];

/** The menu: [hash path, label, scopes that see it (all when omitted)]. */
const NAV = [
  ['/', 'Overview', ['admin', 'read']],
  ['/subscriptions', 'Subscriptions'],
  ['/messages', 'Messages'],
  ['/subscribers', 'Subscribers'],
  ['/event-types', 'Event catalogue'],
  ['/api-keys', 'API keys', ['admin']],
  ['/audit-log', 'Audit log', ['admin']],
];

if (key.value) loadScope();

function App() {
  if (location.pathname === '/ui/portal') return html`<${Portal} />`; // a subscriber portal link
  if (!key.value) return html`<${SignIn} />`;
  const { path: asked, params } = currentRoute();
  // A subscriber (portal or key) lands on its subscriptions: the overview is the whole fleet's.
  const path = scope.value === 'subscriber' && asked === '/' ? '/subscriptions' : asked;
  let page = html`<${Overview} />`;
  for (const [pattern, Page] of ROUTES) {
    const m = pattern.exec(path);
    if (m) {
      page = html`<${Page} id=${m[1] === undefined ? undefined : decodeURIComponent(m[1])} params=${params} />`;
      break;
    }
  }
  const active = (p) => ((p === '/' ? path === '/' : path.startsWith(p)) ? 'active' : '');
  const visible = NAV.filter(([, , scopes]) => !scopes || scopes.includes(scope.value));
  return html`<header>
      <strong>Herald</strong>
      <nav>
        ${visible.map(([p, label]) => html`<a href=${`#${p}`} class=${active(p)}>${label}</a>`)}
      </nav>
      <span class="note" style="color:#cfd6e4">${signedInAs()}</span>
      <button type="button" class="plain" onClick=${signOut}>Sign out</button>
    </header>
    <main>${page}</main>`;
}

render(html`<${App} />`, document.getElementById('app'));
