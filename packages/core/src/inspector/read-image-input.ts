/**
 * An image given to the inspector as bytes or as a file path. Paths are checked against the byte
 * limit before they are read, so a huge file costs a `stat`, not its size in memory.
 */
import { readFile, stat } from 'node:fs/promises';
import { ChipqError } from '../errors.js';
import { checkImageBytes } from '../preprocess/image-byte-limit.js';

/** Encoded image bytes, or the path of an image file. */
export type ImageInput = Uint8Array | string;

/** The bytes of `input`; throws IMAGE_TOO_LARGE past `maxBytes`, INVALID_INPUT when the file cannot be read. */
export async function readImageInput(
  input: ImageInput,
  field: string,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  if (typeof input !== 'string') {
    if (!(input instanceof Uint8Array)) {
      throw new ChipqError(
        'INVALID_INPUT',
        `expected bytes (Uint8Array or Buffer) or a file path for ${field}`,
        { details: { field } },
      );
    }
    return input;
  }
  let size: number;
  try {
    size = (await stat(input)).size;
  } catch (cause) {
    throw new ChipqError('INVALID_INPUT', `cannot read ${field} file ${input}`, {
      cause,
      details: { field, path: input },
    });
  }
  checkImageBytes(size, maxBytes, { field, file: input });
  return readFile(input, { signal });
}
