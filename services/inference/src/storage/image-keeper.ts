/**
 * Keeps inspected images (and references) in IMAGE_STORE_DIR by content hash, from predict and
 * batch alike, so a result's picture can be shown later, and keeps the folder under its size
 * cap: after a put, at most once per `intervalMs`, the folder is summed and the least recently
 * stored images (oldest mtime: BlobStore.put touches a file it already has) are deleted until
 * it fits. Keeping never fails an inspection: a full disk is logged, not thrown. A sweep at a
 * time per replica; replicas sharing the folder may delete the same file, which is harmless.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../observability/logger.js';
import { type BlobStore, sha256 } from './blob-store.js';

export interface ImageKeeperOptions {
  store: BlobStore;
  maxBytes: number;
  logger: Logger;
  /** Least time between two sweeps. Default 60 s. */
  intervalMs?: number;
}

export function createImageKeeper(options: ImageKeeperOptions) {
  const { store, maxBytes, logger } = options;
  const intervalMs = options.intervalMs ?? 60_000;
  let lastSweep = 0;
  let sweeping: Promise<void> | undefined;

  /** Deletes the oldest images until the folder holds at most `maxBytes`; returns what was freed. */
  async function sweep(): Promise<{ deleted: number; bytes: number }> {
    const names = await readdir(store.root).catch(() => [] as string[]);
    const files = (
      await Promise.all(
        names
          .filter((name) => /^[0-9a-f]{64}$/.test(name))
          .map(async (name) => {
            const info = await stat(path.join(store.root, name)).catch(() => undefined);
            return info === undefined ? [] : [{ name, size: info.size, mtimeMs: info.mtimeMs }];
          }),
      )
    ).flat();
    let total = files.reduce((sum, f) => sum + f.size, 0);
    const freed = { deleted: 0, bytes: 0 };
    for (const file of files.sort((a, b) => a.mtimeMs - b.mtimeMs)) {
      if (total <= maxBytes) break;
      await store.delete(file.name);
      total -= file.size;
      freed.deleted += 1;
      freed.bytes += file.size;
    }
    return freed;
  }

  /** Called after each put; starts a sweep when the last one is old enough, never waits for it. */
  function afterPut(): void {
    const now = Date.now();
    if (sweeping !== undefined || now - lastSweep < intervalMs) return;
    lastSweep = now;
    sweeping = sweep()
      .then((freed) => {
        if (freed.deleted > 0)
          logger.info('image store trimmed to its cap', { ...freed, max_bytes: maxBytes });
      })
      .catch((error: unknown) => logger.warn('could not trim IMAGE_STORE_DIR', { error }))
      .finally(() => {
        sweeping = undefined;
      });
  }

  /** Stores the image and its reference; logs instead of throwing. */
  async function keep(image: Uint8Array, reference: Uint8Array | undefined): Promise<void> {
    try {
      await Promise.all([
        store.put(image, sha256(image)),
        reference === undefined ? undefined : store.put(reference, sha256(reference)),
      ]);
      afterPut();
    } catch (error) {
      logger.warn('could not keep the image in IMAGE_STORE_DIR', { error });
    }
  }

  return { keep, sweep };
}

export type ImageKeeper = ReturnType<typeof createImageKeeper>;
