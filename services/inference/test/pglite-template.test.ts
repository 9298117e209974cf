/**
 * The embedded database in its worker thread: a fresh folder starts as a copy of a template
 * data folder (what the build ships) instead of initdb, keeps what is written across restarts,
 * and a broken template fails the start with its reason instead of hanging.
 */

import { existsSync } from 'node:fs';
import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate-to-latest.js';
import { openDatabase } from '../src/db/open-database.js';
import { type EmbeddedPostgres, startPglite } from '../src/db/start-pglite.js';
import { tempDir } from './helpers/temp-dir.js';

async function query(embedded: EmbeddedPostgres, text: string) {
  const client = new pg.Client({
    host: embedded.host,
    port: embedded.port,
    user: 'postgres',
    database: 'postgres',
  });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('startPglite', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let templateDir: string;
  beforeAll(async () => {
    dir = await tempDir();
    // What scripts/build-pglite-template.ts leaves in dist: initdb's result.
    templateDir = path.join(dir.path, 'template');
    const db = await PGlite.create(templateDir);
    await db.close();
  });
  afterAll(async () => dir?.remove());

  it('fills a fresh folder from the template, and reopens it as it was left', async () => {
    const folder = path.join(dir.path, 'data');
    const first = await startPglite(folder, { templateDir });
    expect(first.fromTemplate).toBe(true);
    await query(first, 'create table kept (n int); insert into kept values (42)');
    await first.stop();

    const again = await startPglite(folder, { templateDir });
    expect(again.fromTemplate).toBe(false);
    expect(await query(again, 'select n from kept')).toEqual([{ n: 42 }]);
    await again.stop();
  });

  it('runs initdb when there is no template', async () => {
    const embedded = await startPglite('memory://', { templateDir: path.join(dir.path, 'missing') });
    expect(embedded.fromTemplate).toBe(false);
    expect(await query(embedded, 'select 1 as one')).toEqual([{ one: 1 }]);
    await embedded.stop();
  });

  it('fails with the reason when the template is not a data folder', async () => {
    // A cluster whose version file lies: PostgreSQL refuses it.
    const broken = path.join(dir.path, 'broken');
    await cp(templateDir, broken, { recursive: true });
    await writeFile(path.join(broken, 'PG_VERSION'), '9\n');
    await expect(startPglite(path.join(dir.path, 'other'), { templateDir: broken })).rejects.toThrow(
      /the embedded database did not start: .+/,
    );
  });
});

describe('the template the build ships (dist/pglite-template)', () => {
  const built = fileURLToPath(new URL('../dist/pglite-template', import.meta.url));

  it.skipIf(!existsSync(built))(
    'is already migrated: a fresh data folder runs no migration at start-up',
    async () => {
      const dir = await tempDir();
      try {
        const embedded = await startPglite(path.join(dir.path, 'pglite'), { templateDir: built });
        expect(embedded.fromTemplate).toBe(true);
        await embedded.stop();
        // The folder filled from the template, opened as the service opens it.
        const opened = await openDatabase({ dataDir: dir.path, migrate: false });
        try {
          expect(await migrateToLatest(opened.db)).toEqual([]);
        } finally {
          await opened.close();
        }
      } finally {
        await dir.remove();
      }
    },
  );
});
