import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { type EncodeFormat, encode, gradientRgb, tinyBmp } from '../../test/support/image-fixtures.js';
import type { ErrorCode } from '../errors.js';
import { decodedPixels, decodeImage } from './decode-image.js';
import { resolvePreprocessOptions } from './preprocess-options.js';
import { toTensor } from './to-tensor.js';

const limits = resolvePreprocessOptions();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Rewrites a PNG's IHDR width and height (and its CRC), leaving the pixel data as it was. */
function withPngSize(png: Uint8Array, width: number, height: number): Uint8Array {
  const out = png.slice();
  const view = new DataView(out.buffer);
  // Signature (8) + IHDR length (4) + "IHDR" (4), then width and height.
  view.setUint32(16, width);
  view.setUint32(20, height);
  view.setUint32(29, crc32(out.subarray(12, 29)));
  return out;
}

describe('decodeImage', () => {
  const formats: Array<[EncodeFormat, { want: { format: string; exact: boolean } }]> = [
    ['png', { want: { format: 'png', exact: true } }],
    ['jpeg', { want: { format: 'jpeg', exact: false } }],
    ['tiff', { want: { format: 'tiff', exact: true } }],
    ['webp', { want: { format: 'webp', exact: true } }],
    ['gif', { want: { format: 'gif', exact: false } }],
  ];
  it.each(formats)('decodes %s to its size and format', async (format, { want }) => {
    const bytes = await encode(gradientRgb(6, 5), 6, 5, 3, format);
    const image = await decodeImage(bytes, limits);
    expect(image).toMatchObject({ width: 6, height: 5, format: want.format, channels: 3 });
  });

  it('keeps grey images single-channel', async () => {
    const image = await decodeImage(await encode(new Uint8Array(12).fill(77), 4, 3, 1, 'png'), limits);
    expect(image).toMatchObject({ width: 4, height: 3, channels: 1 });
  });

  it('turns colour into grey in the decoder when a grey input wants it, with PIL luma exactly', async () => {
    const rgb = Uint8Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 37 + (i >> 5) * 11) % 256);
    const image = await decodeImage(await encode(rgb, 64, 64, 3, 'png'), limits, undefined, { channels: 1 });
    expect(image).toMatchObject({ width: 64, height: 64, channels: 1 });
    const luma = (i: number) =>
      ((rgb[3 * i] as number) * 19595 +
        (rgb[3 * i + 1] as number) * 38470 +
        (rgb[3 * i + 2] as number) * 7471 +
        0x8000) >>
      16;
    expect(Array.from(decodedPixels(image))).toEqual(Array.from({ length: 64 * 64 }, (_, i) => luma(i)));
  });

  it('applies EXIF orientation 6 (rotate 90°): a 40x20 JPEG is displayed 20x40', async () => {
    const bytes = await encode(gradientRgb(40, 20), 40, 20, 3, 'jpeg', 6);
    expect(await sharp(bytes).metadata()).toMatchObject({ width: 40, height: 20, orientation: 6 });
    expect(await decodeImage(bytes, limits)).toMatchObject({ width: 20, height: 40, format: 'jpeg' });
  });

  it('rotates the pixels too: the left half of a 6-oriented JPEG ends up on top', async () => {
    // Stored 40x20, left half black, right half white; displayed rotated 90° clockwise.
    const stored = Uint8Array.from({ length: 40 * 20 }, (_, i) => (i % 40 < 20 ? 0 : 255));
    const image = await decodeImage(await encode(stored, 40, 20, 1, 'jpeg', 6), limits);
    const plan = {
      name: 'x',
      layout: 'NCHW',
      channels: 1,
      height: 40,
      width: 20,
      dataType: 'UINT8',
      batched: false,
    } as const;
    const { tensor } = await toTensor(
      image,
      { ...plan, normalize: { scale: 1, mean: [0], std: [1] } },
      limits,
    );
    expect(tensor.data[5 * 20 + 10]).toBeLessThan(10);
    expect(tensor.data[35 * 20 + 10]).toBeGreaterThan(245);
  });

  it('composites alpha over black', async () => {
    const rgba = new Uint8Array([255, 255, 255, 0, 255, 255, 255, 255]);
    const bytes = new Uint8Array(
      await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } })
        .png()
        .toBuffer(),
    );
    const image = await decodeImage(bytes, limits);
    expect(image).toMatchObject({ width: 2, height: 1, channels: 3 });
    const plan = {
      name: 'x',
      layout: 'NHWC',
      channels: 3,
      height: 1,
      width: 2,
      dataType: 'UINT8',
      batched: false,
    } as const;
    const { tensor } = await toTensor(
      image,
      { ...plan, normalize: { scale: 1, mean: [0, 0, 0], std: [1, 1, 1] } },
      limits,
    );
    expect([...tensor.data]).toEqual([0, 0, 0, 255, 255, 255]);
  });
});

describe('decodeImage rejections', () => {
  async function truncatedPng(): Promise<Uint8Array> {
    const png = await encode(gradientRgb(32, 32), 32, 32, 3, 'png');
    return png.subarray(0, png.length - 40);
  }
  const svg = new TextEncoder().encode(
    '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>',
  );

  const cases: Array<
    [
      string,
      {
        given: () => Promise<Uint8Array> | Uint8Array;
        maxBytes?: number;
        maxPixels?: number;
        want: { code: ErrorCode; message: string; details?: object };
      },
    ]
  > = [
    [
      'garbage bytes',
      {
        given: () => new TextEncoder().encode('this is not an image at all'),
        want: { code: 'UNSUPPORTED_IMAGE', message: 'not an image' },
      },
    ],
    [
      'empty input',
      { given: () => new Uint8Array(0), want: { code: 'UNSUPPORTED_IMAGE', message: 'empty' } },
    ],
    [
      'a truncated PNG',
      { given: truncatedPng, want: { code: 'UNSUPPORTED_IMAGE', message: 'truncated or corrupt' } },
    ],
    [
      'BMP (sharp has no BMP loader)',
      {
        given: () => tinyBmp(4, 4),
        want: { code: 'UNSUPPORTED_IMAGE', message: 'BMP images are not supported' },
      },
    ],
    [
      'SVG',
      { given: () => svg, want: { code: 'UNSUPPORTED_IMAGE', message: 'svg images are not supported' } },
    ],
    [
      'more bytes than maxBytes',
      {
        given: () => encode(gradientRgb(8, 8), 8, 8, 3, 'png'),
        maxBytes: 50,
        want: { code: 'IMAGE_TOO_LARGE', message: 'more than the limit of 50', details: { limit: 50 } },
      },
    ],
    [
      'more pixels than maxPixels',
      {
        given: () => encode(gradientRgb(10, 10), 10, 10, 3, 'png'),
        maxPixels: 99,
        want: { code: 'IMAGE_TOO_MANY_PIXELS', message: '10x10', details: { limit: 99, actual: 100 } },
      },
    ],
  ];
  it.each(cases)('rejects %s', async (_, { given, maxBytes, maxPixels, want }) => {
    const options = resolvePreprocessOptions({ maxBytes, maxPixels });
    const error = await decodeImage(await given(), options).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ChipqError', code: want.code });
    expect((error as Error).message).toContain(want.message);
    if (want.details) expect((error as { details: unknown }).details).toMatchObject(want.details);
  });

  it('rejects a decompression bomb from its header, before decoding', async () => {
    // A small PNG whose header claims 20000x20000: only the header is read, so it fails fast.
    const bomb = withPngSize(await encode(gradientRgb(16, 16), 16, 16, 3, 'png'), 20000, 20000);
    expect(await sharp(bomb, { limitInputPixels: false }).metadata()).toMatchObject({
      width: 20000,
      height: 20000,
    });
    const error = await decodeImage(bomb, limits).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'IMAGE_TOO_MANY_PIXELS',
      details: { actual: 400_000_000, width: 20000, height: 20000 },
    });
  });

  it('stops waiting with DEADLINE_EXCEEDED when the signal times out mid-decode', async () => {
    const bytes = await encode(gradientRgb(64, 64), 64, 64, 3, 'png');
    const controller = new AbortController();
    const pending = decodeImage(bytes, limits, controller.signal);
    // sharp answers on a later tick, so this abort lands while the decode is in flight.
    controller.abort(new DOMException('deadline', 'TimeoutError'));
    await expect(pending).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
  });

  it('rejects with CANCELLED when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const bytes = await encode(gradientRgb(4, 4), 4, 4, 3, 'png');
    await expect(decodeImage(bytes, limits, controller.signal)).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
