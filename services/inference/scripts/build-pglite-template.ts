/**
 * Build step (`pnpm --filter @chipq/inference-service build`): runs PGlite's initdb once into a
 * temporary folder and keeps the result as dist/pglite-template.tar.gz. The service fills a
 * fresh data folder from it instead of running initdb in WASM at every first start, which took
 * seconds and left hundreds of MB of garbage in the process (issue 13). The template holds an
 * empty cluster only: migrations still run at start-up, as on any other database.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

const target = path.resolve(import.meta.dirname, '../dist/pglite-template.tar.gz');
const dir = await mkdtemp(path.join(os.tmpdir(), 'chipq-pglite-template-'));
try {
  const db = await PGlite.create(path.join(dir, 'pgdata'));
  const tarball = await db.dumpDataDir('gzip');
  await db.close();
  await writeFile(target, new Uint8Array(await tarball.arrayBuffer()));
  console.log(`pglite template: ${target} (${(tarball.size / 1e6).toFixed(1)} MB)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
