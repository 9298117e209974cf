/**
 * Build step (`pnpm --filter @chipq/inference-service build`): runs PGlite's initdb once and
 * keeps the resulting data folder as dist/pglite-template. The service copies it into a fresh
 * data folder instead of running initdb in WASM at every first start, which took seconds and
 * left hundreds of MB of garbage in the process (issue 13). The template holds an empty
 * cluster only: migrations still run at start-up, as on any other database.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

const target = path.resolve(import.meta.dirname, '../dist/pglite-template');
await rm(target, { recursive: true, force: true });
const db = await PGlite.create(target);
await db.close();
console.log(`pglite template: ${target}`);
