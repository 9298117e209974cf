/**
 * The last step of preprocessing, in plain JavaScript: resized 8-bit pixels (interleaved, 1 or 3
 * channels) become the model's tensor data in its layout, channel count and element type, with
 * letterbox padding written around them. One pass, one lookup table per channel.
 */
import type { TensorData } from '../kserve/kserve-types.js';
import { toHalf } from './fp16.js';
import type { Size } from './image-transform.js';
import type { ImageInputPlan } from './input-plan.js';

export interface PackSource {
  /** Row-major interleaved 8-bit pixels. */
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

/**
 * Grey from RGB with PIL's `convert('L')` integer formula (ITU-R 601 weights 0.299, 0.587,
 * 0.114, rounded): the training pipeline decodes with PIL, so the model saw these values.
 * sharp's own greyscale weighs in linear light and would shift them.
 */
function luma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}

/** Per-channel table from a 0-255 value to the stored element (a half's bits for FP16). */
function lookupTables(plan: ImageInputPlan): Array<ArrayLike<number>> {
  const tables: Array<ArrayLike<number>> = [];
  for (let c = 0; c < plan.channels; c++) {
    if (plan.dataType === 'UINT8') {
      tables.push(Uint8Array.from({ length: 256 }, (_, v) => v));
      continue;
    }
    const { scale, mean, std } = plan.normalize;
    const values = Float32Array.from({ length: 256 }, (_, v) => (v * scale - (mean[c] ?? 0)) / (std[c] ?? 1));
    tables.push(plan.dataType === 'FP16' ? Uint16Array.from(values, toHalf) : values);
  }
  return tables;
}

/** The source's pixels with `channels` per pixel: grey by `luma`, or grey repeated into RGB. */
function matchChannels(source: PackSource, channels: 1 | 3): Uint8Array {
  const { pixels, channels: from } = source;
  if (from === channels) return pixels;
  const n = source.width * source.height;
  const out = new Uint8Array(n * channels);
  if (channels === 1) {
    for (let i = 0, s = 0; i < n; i++, s += 3)
      out[i] = luma(pixels[s] as number, pixels[s + 1] as number, pixels[s + 2] as number);
  } else {
    for (let i = 0, d = 0; i < n; i++, d += 3) {
      const v = pixels[i] as number;
      out[d] = v;
      out[d + 1] = v;
      out[d + 2] = v;
    }
  }
  return out;
}

function allocate(plan: ImageInputPlan, length: number): Uint8Array | Uint16Array | Float32Array {
  if (plan.dataType === 'UINT8') return new Uint8Array(length);
  if (plan.dataType === 'FP16') return new Uint16Array(length);
  return new Float32Array(length);
}

/**
 * Writes `source` into a `size` tensor at (`left`, `top`), every other element being `padValue`
 * (0-255, normalised like a pixel). `source` must fit inside `size` at that offset.
 */
export function packTensor(
  source: PackSource,
  plan: ImageInputPlan,
  size: Size,
  offset: { left: number; top: number },
  padValue: number,
): TensorData {
  const { width: W, height: H } = size;
  const C = plan.channels;
  const { width: sw, height: sh } = source;
  const padded = sw !== W || sh !== H;
  const sameBytes = plan.dataType === 'UINT8' && (C === 1 || plan.layout === 'NHWC');
  const pixels = matchChannels(source, C);
  // The pixels already are the tensor (our detector's grey 640x640 uint8 case): no copy at all.
  if (sameBytes && !padded && pixels.length === C * H * W) return pixels;
  const out = allocate(plan, C * H * W);
  const tables = lookupTables(plan);
  const planeStride = plan.layout === 'NCHW' ? H * W : 1;
  const pixelStride = plan.layout === 'NCHW' ? 1 : C;
  for (let c = 0; padded && c < C; c++) {
    const pad = (tables[c] as ArrayLike<number>)[padValue] as number;
    if (plan.layout === 'NCHW' || C === 1) out.fill(pad, c * H * W, (c + 1) * H * W);
    else for (let i = c; i < out.length; i += C) out[i] = pad;
  }
  if (sameBytes) {
    // Same bytes, same order, letterboxed: copy whole rows into the padding.
    for (let y = 0; y < sh; y++) {
      out.set(pixels.subarray(y * sw * C, (y + 1) * sw * C), ((y + offset.top) * W + offset.left) * C);
    }
    return out;
  }
  // Tight loops per channel: a table lookup and a store per element.
  for (let c = 0; c < C; c++) {
    const table = tables[c] as ArrayLike<number>;
    for (let y = 0; y < sh; y++) {
      let s = y * sw * C + c;
      let d = c * planeStride + ((y + offset.top) * W + offset.left) * pixelStride;
      for (let x = 0; x < sw; x++, s += C, d += pixelStride) out[d] = table[pixels[s] as number] as number;
    }
  }
  return out;
}
