/**
 * Removes what a crashed deploy left in MODEL_REPOSITORY/.staging (issue 10). Runs at start-up;
 * entries younger than `graceMs` are kept, because on shared storage another replica may be
 * deploying into its own staging folder right now.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../observability/logger.js';

export async function cleanStaging(
  repository: string,
  logger: Logger,
  graceMs = 10 * 60_000,
): Promise<number> {
  const staging = path.join(repository, '.staging');
  const entries = await readdir(staging).catch(() => [] as string[]);
  let removed = 0;
  for (const entry of entries) {
    const full = path.join(staging, entry);
    const info = await stat(full).catch(() => undefined);
    if (info === undefined || Date.now() - info.mtimeMs < graceMs) continue;
    await rm(full, { recursive: true, force: true });
    removed++;
  }
  if (removed > 0) logger.info('removed leftovers of interrupted deploys', { folder: '.staging', removed });
  return removed;
}
