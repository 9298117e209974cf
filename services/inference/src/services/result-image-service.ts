/**
 * GET /inference/{id}/image behind the route: a result's image or reference, when the service
 * kept it (IMAGE_STORE_DIR, by content hash, within IMAGE_STORE_MAX_SIZE). The database holds
 * only the hash, so without the store, or after the cap evicted it, the answer is a 404 whose
 * `details.reason` says which, and the console draws the boxes on a blank frame instead.
 */
import { ChipqError } from '@chipq/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { BlobStore } from '../storage/blob-store.js';

export type ImageKind = 'image' | 'reference';

/** The media type from the first bytes (the formats sharp decodes for us); octet-stream otherwise. */
function sniff(bytes: Uint8Array): string {
  const starts = (...values: number[]) => values.every((v, i) => bytes[i] === v);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'image/tiff';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45) return 'image/webp';
  if (starts(0x42, 0x4d)) return 'image/bmp';
  if (starts(0x47, 0x49, 0x46)) return 'image/gif';
  return 'application/octet-stream';
}

export function createResultImageService(options: {
  db: Kysely<Database>;
  imageStore: BlobStore | undefined;
}) {
  const { db, imageStore } = options;

  /** @throws ChipqError NOT_FOUND with `details.reason`: no_result, no_reference, not_kept, evicted */
  async function get(id: string, kind: ImageKind): Promise<{ bytes: Uint8Array; contentType: string }> {
    const row = await db
      .selectFrom('inferences')
      .select(['image_sha256', 'reference_sha256'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined)
      throw new ChipqError('NOT_FOUND', `no result with id ${id}`, { details: { id, reason: 'no_result' } });
    const hash = kind === 'image' ? row.image_sha256 : row.reference_sha256;
    if (hash === null)
      throw new ChipqError('NOT_FOUND', `result ${id} was inspected without a reference`, {
        details: { id, reason: 'no_reference' },
      });
    if (imageStore === undefined)
      throw new ChipqError('NOT_FOUND', 'this service keeps no images (IMAGE_STORE_DIR is not set)', {
        details: { id, reason: 'not_kept', sha256: hash },
      });
    const bytes = await imageStore.get(hash).catch((error: unknown) => {
      throw new ChipqError(
        'NOT_FOUND',
        `the ${kind} of result ${id} is no longer kept (IMAGE_STORE_MAX_SIZE)`,
        {
          cause: error,
          details: { id, reason: 'evicted', sha256: hash },
        },
      );
    });
    return { bytes, contentType: sniff(bytes) };
  }

  return { get };
}

export type ResultImageService = ReturnType<typeof createResultImageService>;
