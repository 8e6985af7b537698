// The dashboard (issue 19, first slice): a static Preact + htm app under /ui/, served by Herald
// itself. No bundler: the browser loads ES modules straight from node_modules (/ui/vendor/...)
// through the import map in index.html. Routes inside the app are hash routes (#/subscriptions),
// so any /ui/ path that is not a file answers index.html and the app decides what to show.
//
// Sign-in: POST /v1/sessions opens a session held in an HttpOnly cookie (routes/sessions.ts); the
// app learns the caller's scope from GET /v1/session. No API key is ever kept in the browser.
// /ui/portal#token=... is the subscriber portal's entry: the page exchanges the token for a session.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The package root: src/api/ui.ts (tsx) and dist/api/ui.js (npm start) are both two levels down. */
const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const UI_ROOT = join(PACKAGE_ROOT, 'src', 'ui');
const MODULES = join(PACKAGE_ROOT, 'node_modules');

/** The vendored ES module builds the import map names: URL path under /ui/vendor/ → file in node_modules. */
const VENDOR: Record<string, string> = {
  'preact.mjs': 'preact/dist/preact.mjs',
  'hooks.mjs': 'preact/hooks/dist/hooks.mjs',
  'htm.mjs': 'htm/dist/htm.module.js',
  'signals.mjs': '@preact/signals/dist/signals.module.js',
  'signals-core.mjs': '@preact/signals-core/dist/signals-core.module.js',
  'uplot.mjs': 'uplot/dist/uPlot.esm.js',
  'uplot.css': 'uplot/dist/uPlot.min.css',
};

export async function uiRoutes(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, { root: UI_ROOT, prefix: '/ui/', wildcard: false, index: ['index.html'] });
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/ui/'));
  app.get<{ Params: { file: string } }>('/ui/vendor/:file', { schema: { hide: true } }, async (request, reply) => {
    const path = VENDOR[request.params.file];
    if (!path) return reply.code(404).send({ error: { code: 'not_found', message: 'no such file' } });
    return reply.sendFile(path, MODULES);
  });
  // Client-side routes: any other /ui/ path is the app.
  app.get('/ui/*', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html').sendFile('index.html', UI_ROOT));
}
