/** Queued-image files are kept while an unfinished item needs them, and collected after. */
import { randomUUID } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertBatch } from '../src/repositories/batch-repository.js';
import { BlobStore } from '../src/storage/blob-store.js';
import { collectBlobs } from '../src/storage/collect-blobs.js';
import { tempDir } from './helpers/temp-dir.js';
import {
  createPgliteDatabase,
  createPostgresDatabase,
  databaseKinds,
  type TestDatabase,
} from './helpers/test-databases.js';

describe.each(databaseKinds)('collectBlobs on $kind', ({ kind, skip }) => {
  let t: TestDatabase;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    if (skip) return;
    dir = await tempDir();
    t =
      kind === 'pglite'
        ? await createPgliteDatabase(path.join(dir.path, 'db'))
        : await createPostgresDatabase();
  });
  afterAll(async () => {
    await t?.dispose();
    await dir?.remove();
  });

  it.skipIf(skip)('deletes only unreferenced blobs past the grace period', async () => {
    const blobs = new BlobStore(path.join(dir.path, 'blobs'));
    const [queued, reference, finished, orphan] = await Promise.all(
      ['queued', 'reference', 'finished', 'orphan'].map((text) => blobs.put(new TextEncoder().encode(text))),
    );
    await writeFile(path.join(blobs.root, `${orphan}.leftover.tmp`), 'half');
    const batchId = randomUUID();
    const item = (position: number, status: 'queued' | 'completed', image: string, ref: string | null) => ({
      id: randomUUID(),
      batch_id: batchId,
      position,
      status,
      image_sha256: image,
      reference_sha256: ref,
      image_bytes: 1,
      tags: '{}',
    });
    await t.db
      .transaction()
      .execute((trx) =>
        insertBatch(trx, { id: batchId, status: 'processing', item_count: 2 }, [
          item(0, 'queued', queued as string, reference as string),
          item(1, 'completed', finished as string, null),
        ]),
      );
    expect(await collectBlobs(t.db, blobs)).toBe(0);
    expect(await collectBlobs(t.db, blobs, { graceMs: 0, now: Date.now() + 1000 })).toBe(3);
    expect((await readdir(blobs.root)).sort()).toEqual([queued, reference].sort());
  });
});
