// The images behind results inspected in this tab. The service stores a result's hash, not its
// pixels, so a result opened later (or shared) shows its boxes on a frame of the image's size;
// within the tab that sent it, the picture is drawn underneath.
export interface CachedImages {
  image: string;
  reference?: string | undefined;
}

const byResultId = new Map<string, CachedImages>();

export function rememberImages(resultId: string, image: Blob, reference: Blob | undefined): CachedImages {
  const cached = {
    image: URL.createObjectURL(image),
    reference: reference === undefined ? undefined : URL.createObjectURL(reference),
  };
  byResultId.set(resultId, cached);
  return cached;
}

export function cachedImages(resultId: string): CachedImages | undefined {
  return byResultId.get(resultId);
}
