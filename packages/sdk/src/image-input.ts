// Image bytes as users hold them: a Uint8Array (Node Buffers are Uint8Arrays) or a Blob/File.
// Converted here to what a request needs, with web APIs only so the main entry runs anywhere.

/** Image (or model file) bytes. Node users can read paths with `@chipq/sdk/node`. */
export type BinaryInput = Uint8Array | Blob;

/** A multipart file part; Blobs keep their own type, bytes are sent as octet-stream. */
export function toBlob(input: BinaryInput): Blob {
  if (input instanceof Blob) return input;
  if (input instanceof Uint8Array) return new Blob([input as Uint8Array<ArrayBuffer>]);
  throw new TypeError(`expected a Uint8Array or a Blob, got ${typeof input}`);
}

/** Base64 of the bytes, for the JSON forms of predict and batch. */
export async function toBase64(input: BinaryInput): Promise<string> {
  const bytes = input instanceof Blob ? new Uint8Array(await input.arrayBuffer()) : input;
  if (!(bytes instanceof Uint8Array))
    throw new TypeError(`expected a Uint8Array or a Blob, got ${typeof input}`);
  // Chunks keep String.fromCharCode's argument count far below engine limits.
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
