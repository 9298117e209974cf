/**
 * Test-only helpers: small images built pixel by pixel and encoded with real sharp, a minimal
 * hand-written BMP, and a ModelConfig builder. Not exported from the package.
 */
import sharp from 'sharp';
import type { ModelConfig, TensorConfig } from '../../src/model-repository/model-config.js';

/** RGB pixels where every channel differs per pixel: r = 10x + 1, g = 20y + 2, b = 100 + x + 4y. */
export function gradientRgb(width: number, height: number): Uint8Array {
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = 10 * x + 1;
      pixels[i + 1] = 20 * y + 2;
      pixels[i + 2] = 100 + x + 4 * y;
    }
  }
  return pixels;
}

export type EncodeFormat = 'png' | 'jpeg' | 'tiff' | 'webp' | 'gif';

/** Encodes raw pixels; `orientation` writes an EXIF orientation tag (JPEG). */
export async function encode(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 3,
  format: EncodeFormat,
  orientation?: number,
): Promise<Uint8Array> {
  let pipeline = sharp(pixels, { raw: { width, height, channels } });
  if (channels === 1) pipeline = pipeline.toColourspace('b-w');
  if (orientation !== undefined) pipeline = pipeline.withMetadata({ orientation });
  const lossless = { png: {}, jpeg: { quality: 100 }, tiff: {}, webp: { lossless: true }, gif: {} }[format];
  return new Uint8Array(await pipeline.toFormat(format, lossless).toBuffer());
}

/** A valid 24-bit BMP of one colour, written by hand (sharp cannot write BMP). */
export function tinyBmp(width: number, height: number): Uint8Array {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + rowBytes * height;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x42;
  bytes[1] = 0x4d;
  view.setUint32(2, size, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, width, true);
  view.setInt32(22, height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  view.setUint32(34, rowBytes * height, true);
  bytes.fill(200, 54);
  return bytes;
}

export function input(name: string, dims: number[], extra: Partial<TensorConfig> = {}): TensorConfig {
  return { name, dataType: 'UINT8', dims, format: 'NONE', optional: false, ...extra };
}

/** A ModelConfig with defaults for every field the tests do not care about. */
export function modelConfig(partial: Partial<ModelConfig> = {}): ModelConfig {
  return {
    name: 'test-model',
    platform: 'onnxruntime_onnx',
    backend: 'onnxruntime',
    maxBatchSize: 8,
    input: [input('image', [3, 4, 4])],
    output: [],
    instanceGroup: [{ count: 1, kind: 'KIND_CPU', gpus: [] }],
    versionPolicy: { kind: 'latest', numVersions: 1 },
    parameters: {},
    modelWarmup: [],
    extra: {},
    ...partial,
  };
}
