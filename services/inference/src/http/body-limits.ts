/**
 * Request body limits, applied before a body is read: one image and its reference for
 * predict, many for a batch. The per-image limit (IMAGE_MAX_SIZE) is checked again per file,
 * with the IMAGE_TOO_LARGE code and the field named.
 */
import { ChipqError } from '@chipq/core';
import { bodyLimit } from 'hono/body-limit';

/** Multipart framing and text fields on top of the images. */
const overhead = 1024 * 1024;

/** Base64 is 4/3 of the bytes. */
const base64Factor = 4 / 3;

export function predictBodyLimit(imageMaxBytes: number) {
  const maxSize = Math.ceil(2 * imageMaxBytes * base64Factor) + overhead;
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ChipqError(
        'IMAGE_TOO_LARGE',
        `request body above ${maxSize} bytes (two images of IMAGE_MAX_SIZE ${imageMaxBytes})`,
        {
          details: { limit: maxSize },
        },
      );
    },
  });
}

export function batchBodyLimit(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ChipqError(
        'PAYLOAD_TOO_LARGE',
        `batch body above ${maxSize} bytes (BATCH_MAX_BODY); split the batch`,
        {
          details: { limit: maxSize },
        },
      );
    },
  });
}
