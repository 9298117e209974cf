/**
 * The one check of an image's size in bytes against its limit (the service's IMAGE_MAX_SIZE):
 * decodeImage applies it to bytes, the inspector to a file before reading it, the service to
 * each upload before it stores or queues anything.
 */
import { ChipqError } from '../errors.js';

export interface ImageByteLimitSubject {
  /** The input's name in the request, e.g. `reference` or `items.3.image`. Default `image`. */
  field?: string;
  /** The file the bytes would be read from, named in the message. */
  file?: string;
  /** Where the limit is set, named in the message, e.g. `IMAGE_MAX_SIZE`. */
  setting?: string;
}

/** @throws ChipqError IMAGE_TOO_LARGE (details `{ field, limit, actual }`) when `actual` > `limit`. */
export function checkImageBytes(actual: number, limit: number, subject: ImageByteLimitSubject = {}): void {
  if (actual <= limit) return;
  const field = subject.field ?? 'image';
  const what = subject.file === undefined ? field : `${field} file ${subject.file}`;
  const where = subject.setting === undefined ? '' : ` (${subject.setting})`;
  throw new ChipqError(
    'IMAGE_TOO_LARGE',
    `${what} has ${actual} bytes, more than the limit of ${limit}${where}`,
    { details: { field, limit, actual } },
  );
}
