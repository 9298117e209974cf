/**
 * Build step (`pnpm --filter @chipq/inference-service build`): creates a PGlite cluster once,
 * runs every migration on it, and keeps the resulting data folder as dist/pglite-template. The
 * service copies it into a fresh data folder instead of running initdb in WASM and then the
 * migrations at every first start (seconds each, and initdb left hundreds of MB of garbage in
 * the process; issue 13). Start-up still runs the migrator, which finds nothing to do, so a
 * template built before a new migration is brought up to date as any other database is.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/db/open-database.js';

const target = path.resolve(import.meta.dirname, '../dist/pglite-template');
const work = await mkdtemp(path.join(tmpdir(), 'chipq-pglite-template-'));
try {
  // From source, open-database finds no template beside it, so this runs initdb, then migrates.
  const database = await openDatabase({ dataDir: work });
  await database.close();
  await rm(target, { recursive: true, force: true });
  await cp(path.join(work, 'pglite'), target, { recursive: true });
} finally {
  await rm(work, { recursive: true, force: true });
}
console.log(`pglite template (migrated): ${target}`);
