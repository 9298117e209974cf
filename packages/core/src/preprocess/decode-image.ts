/**
 * Turns encoded bytes into pixels, refusing anything unsafe before it costs memory: the byte
 * limit first, then the header (format and size, read without decoding pixels), then the pixel
 * limit, and only then the decode, with EXIF orientation applied and sharp's own pixel guard on.
 */
import sharp from 'sharp';
import { untilAborted } from '../abort.js';
import { ChipqError } from '../errors.js';
import { checkImageBytes } from './image-byte-limit.js';
import type { ResolvedPreprocessOptions } from './preprocess-options.js';

/**
 * Formats accepted. BMP is not among them: sharp's prebuilt libvips (0.34) has no BMP loader,
 * so BMP bytes are refused as UNSUPPORTED_IMAGE with a message saying so. SVG, HEIF/AVIF and
 * RAW are refused on purpose (not camera images; SVG can reference external files).
 * Multi-page TIFF and animated GIF: the first page is used.
 */
export const supportedImageFormats = ['jpeg', 'png', 'tiff', 'webp', 'gif'] as const;
export type ImageFormat = (typeof supportedImageFormats)[number];

/** An image decoded to 8-bit pixels; its pixels are reachable only through preprocessing. */
export interface DecodedImage {
  /** Width as displayed, after EXIF orientation. */
  readonly width: number;
  /** Height as displayed, after EXIF orientation. */
  readonly height: number;
  readonly format: ImageFormat;
  /** 1 for grey sources, 3 for colour; alpha is composited over black. */
  readonly channels: 1 | 3;
}

const pixelStore = new WeakMap<DecodedImage, Uint8Array>();

/** @internal Interleaved 8-bit pixels of a decoded image (row-major, `channels` per pixel). */
export function decodedPixels(image: DecodedImage): Uint8Array {
  const pixels = pixelStore.get(image);
  if (!pixels) throw new ChipqError('INTERNAL', 'not an image returned by decodeImage');
  return pixels;
}

/** @internal Wraps pixels as a DecodedImage (tests and decodeImage only). */
function makeDecodedImage(pixels: Uint8Array, info: DecodedImage): DecodedImage {
  const image = Object.freeze({ ...info });
  pixelStore.set(image, pixels);
  return image;
}

function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

function unsupported(message: string, cause?: unknown): ChipqError {
  return new ChipqError('UNSUPPORTED_IMAGE', message, { cause });
}

/**
 * Decodes one image. Throws ChipqError with code
 * - IMAGE_TOO_LARGE: more than `options.maxBytes` bytes (details `{ field, limit, actual }`);
 * - UNSUPPORTED_IMAGE: not an image, truncated or corrupt, or a format outside
 *   `supportedImageFormats` (BMP included, see there);
 * - IMAGE_TOO_MANY_PIXELS: more than `options.maxPixels` pixels per the header
 *   (details `{ limit, actual, width, height }`), decided before decoding;
 * - CANCELLED / DEADLINE_EXCEEDED when `signal` aborts.
 */
export async function decodeImage(
  bytes: Uint8Array,
  options: Pick<ResolvedPreprocessOptions, 'maxBytes' | 'maxPixels'>,
  signal?: AbortSignal,
  target: { channels?: 1 | 3 } = {},
): Promise<DecodedImage> {
  checkImageBytes(bytes.byteLength, options.maxBytes);
  if (bytes.byteLength === 0) throw unsupported('the image is empty');
  let meta: sharp.Metadata;
  try {
    // The header alone; limitInputPixels off here because we report the limit ourselves, with details.
    meta = await untilAborted(sharp(bytes, { limitInputPixels: false }).metadata(), signal);
  } catch (error) {
    if (error instanceof ChipqError) throw error;
    if (isBmp(bytes))
      throw unsupported('BMP images are not supported (sharp has no BMP decoder); send PNG or TIFF', error);
    throw unsupported('the bytes are not an image in a supported format (PNG, JPEG, TIFF, WebP, GIF)', error);
  }
  const format = meta.format as string | undefined;
  if (!supportedImageFormats.includes(format as ImageFormat)) {
    throw unsupported(`${String(format)} images are not supported; send PNG, JPEG, TIFF, WebP or GIF`);
  }
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width < 1 || height < 1) throw unsupported('the image header gives no size');
  if (width * height > options.maxPixels) {
    throw new ChipqError(
      'IMAGE_TOO_MANY_PIXELS',
      `the image has ${width}x${height} pixels, more than the limit of ${options.maxPixels}`,
      {
        details: { limit: options.maxPixels, actual: width * height, width, height },
      },
    );
  }
  const grey = meta.channels === 1 || meta.channels === 2 || meta.space === 'b-w' || meta.space === 'grey16';
  // A plain sRGB colour image for a grey input: grey in libvips (off the main thread), with PIL's
  // integer luma exactly (see pack-tensor.ts `luma`): weights x 65536 summed exactly in float,
  // + 0.5, truncated by the cast. Profiles, CMYK and the like keep the sRGB path below.
  const lumaInDecoder =
    target.channels === 1 && !grey && meta.space === 'srgb' && !meta.hasProfile && (meta.channels ?? 0) >= 3;
  try {
    // failOn 'warning' (sharp's default) makes truncated or damaged files fail instead of
    // decoding to half-grey images whose "defects" would be artefacts.
    const decoder = sharp(bytes, { limitInputPixels: options.maxPixels, failOn: 'warning' })
      .rotate()
      .flatten({ background: '#000000' });
    const pipeline = (
      lumaInDecoder
        ? decoder
            .recomb([
              [19595, 38470, 7471],
              [0, 0, 0],
              [0, 0, 0],
            ])
            .linear(1 / 65536, 0.5)
            .extractChannel(0)
        : decoder.toColourspace(grey ? 'b-w' : 'srgb')
    ).raw({ depth: 'uchar' });
    const { data, info } = await untilAborted(pipeline.toBuffer({ resolveWithObject: true }), signal);
    if (info.channels !== 1 && info.channels !== 3)
      throw unsupported(`decoding gave ${info.channels} channels`);
    const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return makeDecodedImage(pixels, {
      width: info.width,
      height: info.height,
      format: format as ImageFormat,
      channels: info.channels,
    });
  } catch (error) {
    if (error instanceof ChipqError) throw error;
    throw unsupported('the image could not be decoded (truncated or corrupt)', error);
  }
}
