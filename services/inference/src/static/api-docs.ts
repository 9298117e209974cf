/**
 * Interactive API docs at `/docs` (Scalar), working without internet: the Scalar bundle is
 * served from this service out of the installed @scalar/api-reference package, never from a
 * CDN, because fab networks are air-gapped. Its URL carries the package version, so browsers
 * may cache it for good.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Scalar } from '@scalar/hono-api-reference';
import type { Hono } from 'hono';
import { compress } from 'hono/compress';
import type { AppEnv } from '../http/app-env.js';
import { immutableCache } from './cache-control.js';

/** The standalone browser build (UMD, one file: no chunks to fetch) of @scalar/api-reference. */
function scalarBundle(): { file: string; version: string } {
  // The package exports no ./package.json nor ./dist/browser; its main entry sits in dist/.
  const main = createRequire(import.meta.url).resolve('@scalar/api-reference');
  const root = path.resolve(path.dirname(main), '..');
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  return { file: path.join(root, 'dist', 'browser', 'standalone.js'), version };
}

export function mountApiDocs(app: Hono<AppEnv>, options: { documentUrl: string }): void {
  const bundle = scalarBundle();
  const bundleUrl = `/docs/assets/scalar-api-reference-${bundle.version}.js`;
  app.get(bundleUrl, compress(), serveStatic({ path: bundle.file, onFound: (_, c) => immutableCache(c) }));
  app.get(
    '/docs',
    Scalar({
      url: options.documentUrl,
      pageTitle: 'chipq inference API',
      cdn: bundleUrl,
      // Scalar's default fonts come from fonts.scalar.com; the system's fonts are fine.
      withDefaultFonts: false,
    }),
  );
}
