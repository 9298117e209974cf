/**
 * Removes queued-image files nobody needs any more: a blob under DATA_DIR/blobs is kept while
 * an unfinished batch item references it, and for a grace period after it was written (a
 * batch being created has written its files but not yet committed its rows).
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { liveBlobHashes } from '../repositories/batch-repository.js';
import type { BlobStore } from './blob-store.js';

/**
 * Deletes unreferenced blobs older than `graceMs` (default 1 h); returns how many.
 * Temporary files of interrupted writes are collected the same way.
 */
export async function collectBlobs(
  db: Kysely<Database>,
  blobs: BlobStore,
  options: { graceMs?: number; now?: number } = {},
): Promise<number> {
  const names = await readdir(blobs.root).catch(() => [] as string[]);
  if (names.length === 0) return 0;
  const live = await liveBlobHashes(db);
  const cutoff = (options.now ?? Date.now()) - (options.graceMs ?? 3_600_000);
  let removed = 0;
  for (const name of names) {
    const hash = name.slice(0, 64);
    if (live.has(hash)) continue;
    const info = await stat(path.join(blobs.root, name)).catch(() => undefined);
    if (info === undefined || info.mtimeMs > cutoff) continue;
    await blobs.deleteFile(name);
    removed += 1;
  }
  return removed;
}
