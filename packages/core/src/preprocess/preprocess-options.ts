/**
 * Preprocessing options: what a caller may set, their defaults, and the one place they are
 * checked (CONVENTIONS.md §6). The service reads `IMAGE_MAX_SIZE` and passes it as `maxBytes`;
 * nothing here reads the environment.
 */
import { ChipqError } from '../errors.js';

/** How an image is fitted to a model input of another size. */
export type ResizeMode = 'letterbox' | 'stretch';

/** Resampling kernel used when the image is scaled (sharp's names). */
export type ResizeKernel = 'nearest' | 'linear' | 'cubic' | 'lanczos3';

export interface PreprocessOptions {
  /** Largest encoded image accepted, in bytes. Default 10 MiB (10 485 760). */
  maxBytes?: number;
  /**
   * Largest image accepted, in pixels (width × height of the first page), checked from the
   * header before any pixel is decoded. Default 50 000 000: an 8K frame (33 MP) or a 45 MP
   * line-scan tile fits; a decoded 50 MP RGB image already takes 150 MB.
   */
  maxPixels?: number;
  /**
   * `letterbox` (default) keeps the aspect ratio and pads, centred; `stretch` scales each axis
   * on its own. Either way the transform is recorded so boxes map back.
   */
  resize?: ResizeMode;
  /** Pixel value (0-255, before any input scaling) of letterbox padding. Default 114, as YOLO. */
  padValue?: number;
  /** Resampling kernel. Default `linear` (bilinear, what OpenCV and PIL training pipelines use). */
  kernel?: ResizeKernel;
  /**
   * Tensor size for inputs whose height or width is -1 (dynamic). Default: the image's own size,
   * so a fully convolutional model sees the image unscaled.
   */
  targetSize?: { width: number; height: number };
}

export interface ResolvedPreprocessOptions {
  maxBytes: number;
  maxPixels: number;
  resize: ResizeMode;
  padValue: number;
  kernel: ResizeKernel;
  targetSize: { width: number; height: number } | undefined;
}

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_PIXELS = 50_000_000;

const resizeModes: readonly ResizeMode[] = ['letterbox', 'stretch'];
const kernels: readonly ResizeKernel[] = ['nearest', 'linear', 'cubic', 'lanczos3'];

function invalid(message: string): ChipqError {
  return new ChipqError('INVALID_INPUT', message);
}

function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(`expected an integer between ${min} and ${max} for ${name}, got ${String(value)}`);
  }
  return value;
}

/**
 * Fills in defaults and validates every field once, so the hot path never re-checks.
 * Throws ChipqError('INVALID_INPUT') naming the field and the value it got.
 */
export function resolvePreprocessOptions(options: PreprocessOptions = {}): ResolvedPreprocessOptions {
  const resize = options.resize ?? 'letterbox';
  if (!resizeModes.includes(resize)) {
    throw invalid(`expected one of ${resizeModes.join(', ')} for resize, got ${String(resize)}`);
  }
  const kernel = options.kernel ?? 'linear';
  if (!kernels.includes(kernel)) {
    throw invalid(`expected one of ${kernels.join(', ')} for kernel, got ${String(kernel)}`);
  }
  const target = options.targetSize;
  return {
    maxBytes: integerIn('maxBytes', options.maxBytes ?? DEFAULT_MAX_BYTES, 1, Number.MAX_SAFE_INTEGER),
    maxPixels: integerIn('maxPixels', options.maxPixels ?? DEFAULT_MAX_PIXELS, 1, Number.MAX_SAFE_INTEGER),
    resize,
    padValue: integerIn('padValue', options.padValue ?? 114, 0, 255),
    kernel,
    targetSize:
      target === undefined
        ? undefined
        : {
            width: integerIn('targetSize.width', target.width, 1, 16384),
            height: integerIn('targetSize.height', target.height, 1, 16384),
          },
  };
}
