/**
 * The last step of preprocessing, in plain JavaScript: resized 8-bit pixels (interleaved, 1 or 3
 * channels) become the model's tensor data in its layout, channel count and element type, with
 * letterbox padding written around them. One pass, one lookup table per channel.
 */
import type { TensorData } from '../engine/engine.js';
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
export function luma(r: number, g: number, b: number): number {
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
  const out = allocate(plan, C * H * W);
  const tables = lookupTables(plan);
  const planeStride = plan.layout === 'NCHW' ? H * W : 1;
  const pixelStride = plan.layout === 'NCHW' ? 1 : C;
  for (let c = 0; c < C; c++) {
    const pad = (tables[c] as ArrayLike<number>)[padValue] as number;
    if (pad !== 0) for (let i = 0; i < H * W; i++) out[c * planeStride + i * pixelStride] = pad;
  }
  const { pixels, width: sw, height: sh, channels: sc } = source;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const s = (y * sw + x) * sc;
      const d = ((y + offset.top) * W + x + offset.left) * pixelStride;
      for (let c = 0; c < C; c++) {
        let v: number;
        if (sc === C) v = pixels[s + c] as number;
        else if (sc === 1) v = pixels[s] as number;
        else v = luma(pixels[s] as number, pixels[s + 1] as number, pixels[s + 2] as number);
        out[c * planeStride + d] = (tables[c] as ArrayLike<number>)[v] as number;
      }
    }
  }
  return out;
}
