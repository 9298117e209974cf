// The pictures behind a result. The database stores a result's hash, not its pixels; the
// service keeps the bytes only when it runs with IMAGE_STORE_DIR (GET /inference/{id}/image).
// So a result's picture comes from this browser when it inspected it (IndexedDB, this machine
// only), else from the service when it kept it; otherwise the boxes are drawn on a blank frame
// of the image's size with the reason written on it.
import { ChipqApiError } from '@chipq/sdk';
import { useEffect, useState } from 'preact/hooks';
import { apiClient } from './api-client.js';

export interface CachedImages {
  image: string;
  reference?: string | undefined;
}

interface StoredBlobs {
  image: Blob;
  reference?: Blob | undefined;
}

const byResultId = new Map<string, CachedImages>();
const storeName = 'images';

function openStore(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open('chipq-console', 1);
    request.onupgradeneeded = () => request.result.createObjectStore(storeName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function transact<T>(
  mode: IDBTransactionMode,
  run: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await openStore();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = run(db.transaction(storeName, mode).objectStore(storeName));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

function toUrls(blobs: StoredBlobs): CachedImages {
  return {
    image: URL.createObjectURL(blobs.image),
    reference: blobs.reference === undefined ? undefined : URL.createObjectURL(blobs.reference),
  };
}

export function rememberImages(resultId: string, image: Blob, reference: Blob | undefined): CachedImages {
  const cached = toUrls({ image, reference });
  byResultId.set(resultId, cached);
  // Best effort: a private window or a full quota only loses the picture after a reload.
  transact('readwrite', (store) => store.put({ image, reference }, resultId)).catch(() => undefined);
  return cached;
}

/** Why the service has no picture, for the blank frame; details.reason of its 404. */
function missingReason(error: unknown): string {
  const details = error instanceof ChipqApiError ? error.problem?.details : undefined;
  const reason = (details as { reason?: unknown } | undefined)?.reason;
  if (reason === 'not_kept') return 'Image not stored by the service (IMAGE_STORE_DIR is not set)';
  if (reason === 'evicted') return 'Image no longer kept (beyond IMAGE_STORE_MAX_SIZE)';
  return 'Image not available';
}

async function fromService(resultId: string, hasReference: boolean): Promise<CachedImages> {
  const client = apiClient();
  const [image, reference] = await Promise.all([
    client.resultImage(resultId),
    hasReference ? client.resultImage(resultId, { which: 'reference' }).catch(() => undefined) : undefined,
  ]);
  return toUrls({ image, reference });
}

export interface ResultImages {
  images: CachedImages | undefined;
  /** Set once neither this browser nor the service has the picture. */
  missing: string | undefined;
}

/**
 * The pictures of a result: this browser's copy if it inspected it, else the service's if it
 * kept them; `missing` says why there are none.
 */
export function useResultImages(resultId: string, hasReference: boolean): ResultImages {
  const [state, setState] = useState<ResultImages>(() => ({
    images: byResultId.get(resultId),
    missing: undefined,
  }));
  useEffect(() => {
    let live = true;
    const known = byResultId.get(resultId);
    setState({ images: known, missing: undefined });
    if (known !== undefined || resultId === '') return;
    const found = (images: CachedImages) => {
      byResultId.set(resultId, images);
      if (live) setState({ images, missing: undefined });
    };
    transact<StoredBlobs | undefined>('readonly', (store) => store.get(resultId))
      .catch(() => undefined)
      .then(async (blobs) => {
        if (blobs !== undefined) return found(toUrls(blobs));
        try {
          found(await fromService(resultId, hasReference));
        } catch (error) {
          if (live) setState({ images: undefined, missing: missingReason(error) });
        }
      });
    return () => {
      live = false;
    };
  }, [resultId, hasReference]);
  return state;
}
