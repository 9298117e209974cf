// The images behind results inspected in this browser. The service stores a result's hash,
// not its pixels, so a result shows its boxes on a frame of the image's size unless this
// browser inspected it: then the picture (kept in IndexedDB, on this machine only) is drawn
// underneath, after a reload and on the Review screen too.
import { useEffect, useState } from 'preact/hooks';

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

/** The images of a result inspected in this browser, once read; undefined when there are none. */
export function useCachedImages(resultId: string): CachedImages | undefined {
  const [images, setImages] = useState(() => byResultId.get(resultId));
  useEffect(() => {
    let live = true;
    const known = byResultId.get(resultId);
    setImages(known);
    if (known !== undefined) return;
    transact<StoredBlobs | undefined>('readonly', (store) => store.get(resultId))
      .then((blobs) => {
        if (!live || blobs === undefined) return;
        const cached = toUrls(blobs);
        byResultId.set(resultId, cached);
        setImages(cached);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [resultId]);
  return images;
}
