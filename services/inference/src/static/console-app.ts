/**
 * The browser console (packages/console, a Vite build) served at `/` by this service, so there
 * is no second server to run and nothing loads from a CDN. Hashed files under /assets are
 * cached for good; index.html is revalidated on every load; any other GET that asks for HTML
 * and is not an API or system path gets index.html, so client routes (/results/<id>) are
 * shareable URLs. Files are served precompressed (.gz written by the console's build).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context, Hono } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import { immutableCache, revalidateCache } from './cache-control.js';

/** Paths the console never answers: they belong to the API and the system routes. */
const serverPaths = /^\/(?:api|docs|metrics|openapi\.json)(?:\/|$)/;

/** The console's build folder, or undefined when @chipq/console is absent or not built. */
function findConsoleDist(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('@chipq/console/package.json');
    const dist = path.join(path.dirname(manifest), 'dist');
    return existsSync(path.join(dist, 'index.html')) ? dist : undefined;
  } catch {
    return undefined;
  }
}

const notBuilt = `<!doctype html><html lang="en"><meta charset="utf-8"><title>chipq</title>
<body style="font-family:system-ui;margin:2rem"><h1>chipq</h1>
<p>The console is not built: run <code>pnpm build</code> (or <code>pnpm start</code>), then reload.</p>
<p>The API and its documentation are up: <a href="/docs">/docs</a>.</p></body></html>`;

const wantsHtml = (c: Context) => c.req.header('accept')?.includes('text/html') ?? false;

/** Mount after every other route: it answers only what they did not. */
export function mountConsole(app: Hono<AppEnv>, options: { dist?: string | undefined } = {}): void {
  const dist = options.dist ?? findConsoleDist();
  if (dist === undefined) {
    app.get('/', (c) => c.html(notBuilt, 503, { 'Cache-Control': 'no-store' }));
    return;
  }
  app.get(
    '/assets/*',
    serveStatic({ root: dist, precompressed: true, onFound: (_, c) => immutableCache(c) }),
  );
  const files = serveStatic<AppEnv>({
    root: dist,
    precompressed: true,
    onFound: (_, c) => revalidateCache(c),
  });
  const indexPage = serveStatic<AppEnv>({
    path: path.join(dist, 'index.html'),
    precompressed: true,
    onFound: (_, c) => revalidateCache(c),
  });
  app.get('*', async (c, next) => {
    if (serverPaths.test(c.req.path) || c.req.path.startsWith('/assets/')) return next();
    let missing = false;
    const markMissing = async () => {
      missing = true;
    };
    const file = await files(c, markMissing);
    if (!missing) return file;
    // Not a file: a client route (/results/<id>) gets the app, which renders the screen it names.
    if (!wantsHtml(c)) return next();
    missing = false;
    const page = await indexPage(c, markMissing);
    return missing ? next() : page;
  });
}
