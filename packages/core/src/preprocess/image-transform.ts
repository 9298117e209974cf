/**
 * The geometry between an original image and the tensor it became: how it was scaled and
 * where it was padded. Boxes travel through it both ways, so detections come back in the
 * original image's pixels whatever the model's input size.
 */
import type { ResizeMode } from './preprocess-options.js';

/** An axis-aligned box in pixels: (x1, y1) top-left, (x2, y2) bottom-right, x2 >= x1. */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface Size {
  width: number;
  height: number;
}

/** tensorX = originalX * scaleX + padLeft (and the same for y). */
export interface ImageTransform {
  mode: ResizeMode;
  /** The decoded image, after EXIF orientation. */
  original: Size;
  /** The tensor's spatial size, padding included. */
  tensor: Size;
  scaleX: number;
  scaleY: number;
  padLeft: number;
  padTop: number;
  /** Size of the scaled image inside the tensor (equals `tensor` unless letterboxed). */
  resized: Size;
}

/**
 * The transform that fits `original` into `tensor`. Letterbox scales both axes by the same
 * factor, rounds the scaled size to whole pixels and centres it (any odd pixel of padding goes
 * right and bottom); the recorded scales are the ones actually applied after rounding.
 */
export function computeTransform(original: Size, tensor: Size, mode: ResizeMode): ImageTransform {
  if (mode === 'stretch' || (original.width === tensor.width && original.height === tensor.height)) {
    return {
      mode,
      original: { ...original },
      tensor: { ...tensor },
      scaleX: tensor.width / original.width,
      scaleY: tensor.height / original.height,
      padLeft: 0,
      padTop: 0,
      resized: { ...tensor },
    };
  }
  const scale = Math.min(tensor.width / original.width, tensor.height / original.height);
  const width = Math.min(tensor.width, Math.max(1, Math.round(original.width * scale)));
  const height = Math.min(tensor.height, Math.max(1, Math.round(original.height * scale)));
  return {
    mode,
    original: { ...original },
    tensor: { ...tensor },
    scaleX: width / original.width,
    scaleY: height / original.height,
    padLeft: Math.floor((tensor.width - width) / 2),
    padTop: Math.floor((tensor.height - height) / 2),
    resized: { width, height },
  };
}

function clamp(value: number, max: number): number {
  return Math.min(Math.max(value, 0), max);
}

/** Maps a box in tensor pixels to original pixels, clamped to the image (padding maps to its edge). */
export function mapBoxToOriginal(box: Box, transform: ImageTransform): Box {
  const { scaleX, scaleY, padLeft, padTop, original } = transform;
  return {
    x1: clamp((box.x1 - padLeft) / scaleX, original.width),
    y1: clamp((box.y1 - padTop) / scaleY, original.height),
    x2: clamp((box.x2 - padLeft) / scaleX, original.width),
    y2: clamp((box.y2 - padTop) / scaleY, original.height),
  };
}

/**
 * Maps a box in original pixels to tensor pixels, clamped to the image first, so the result lies
 * inside the scaled image and never in the padding. The inverse of `mapBoxToOriginal`.
 */
export function mapBoxToTensor(box: Box, transform: ImageTransform): Box {
  const { scaleX, scaleY, padLeft, padTop, original } = transform;
  return {
    x1: clamp(box.x1, original.width) * scaleX + padLeft,
    y1: clamp(box.y1, original.height) * scaleY + padTop,
    x2: clamp(box.x2, original.width) * scaleX + padLeft,
    y2: clamp(box.y2, original.height) * scaleY + padTop,
  };
}
