/**
 * startService when a step after the database and engine fails: it rejects with the error and
 * leaves nothing open (no database connection held by a forgotten pool), so a caller, or the
 * process, is not kept alive by what the failed start had opened.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/temp-dir.js';
import { hasPostgres, postgresUrl } from './helpers/test-databases.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';

async function connectionsNamed(applicationName: string): Promise<number> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'select count(*) as n from pg_stat_activity where application_name = $1',
      [applicationName],
    );
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
}

describe.skipIf(!hasPostgres)('a failed start', () => {
  let env: TestEnvironment | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await env?.dispose();
    await cleanup?.();
  });

  it('closes the database it opened and rejects with the reason', async () => {
    const applicationName = `chipq-start-${randomUUID().slice(0, 8)}`;
    // DATA_DIR under a regular file: the blob folder cannot exist, found after the database
    // (migrated) and the engine are open.
    const dir = await tempDir();
    cleanup = dir.remove;
    const blocker = path.join(dir.path, 'not-a-folder');
    await writeFile(blocker, '');
    env = await createTestEnvironment('postgres', ['diff_detector'], {
      DATABASE_URL: `${postgresUrl}?application_name=${applicationName}`,
      DATA_DIR: path.join(blocker, 'data'),
    });
    await expect(env.start()).rejects.toThrow(/not a writable folder/);
    expect(await connectionsNamed(applicationName)).toBe(0);
  });
});
