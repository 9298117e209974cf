/**
 * One decoded image to one model input: fit it to the input's size (letterbox or stretch, with
 * sharp), then pack it into the input's layout and element type. Returns the tensor and the
 * transform that maps boxes back.
 */
import sharp from 'sharp';
import { untilAborted } from '../abort.js';
import { ChipqError } from '../errors.js';
import type { Tensor } from '../kserve/kserve-types.js';
import { type DecodedImage, decodedPixels } from './decode-image.js';
import { computeTransform, type ImageTransform, type Size } from './image-transform.js';
import type { ImageInputPlan } from './input-plan.js';
import { type PackSource, packTensor } from './pack-tensor.js';
import type { ResolvedPreprocessOptions } from './preprocess-options.js';

export interface TensorWithTransform {
  tensor: Tensor;
  transform: ImageTransform;
}

/** The tensor's spatial size: the model's dims, with -1 taken from `targetSize` or the image. */
function tensorSizeFor(
  image: Size,
  plan: ImageInputPlan,
  options: Pick<ResolvedPreprocessOptions, 'targetSize'>,
): Size {
  return {
    width: plan.width > 0 ? plan.width : (options.targetSize?.width ?? image.width),
    height: plan.height > 0 ? plan.height : (options.targetSize?.height ?? image.height),
  };
}

async function resized(
  image: DecodedImage,
  transform: ImageTransform,
  options: ResolvedPreprocessOptions,
  signal?: AbortSignal,
): Promise<PackSource> {
  const pixels = decodedPixels(image);
  const { width, height } = transform.resized;
  if (width === image.width && height === image.height) {
    return { pixels, width, height, channels: image.channels };
  }
  const pipeline = sharp(pixels, {
    raw: { width: image.width, height: image.height, channels: image.channels },
  })
    .resize(width, height, { fit: 'fill', kernel: options.kernel })
    .raw({ depth: 'uchar' });
  const { data, info } = await untilAborted(pipeline.toBuffer({ resolveWithObject: true }), signal);
  // sharp hands 1-channel raw input back as 3 channels after some operations; accept both.
  if ((info.channels !== 1 && info.channels !== 3) || info.width !== width || info.height !== height) {
    throw new ChipqError(
      'INTERNAL',
      `resize gave ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}`,
    );
  }
  return {
    pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width,
    height,
    channels: info.channels,
  };
}

/**
 * Builds the tensor for one image input. The shape is the full shape the engine expects:
 * `[1, C, H, W]` / `[1, H, W, C]` when `plan.batched`, else `[C, H, W]` / `[H, W, C]`.
 * Grey inputs from colour images use PIL's luma formula (see `luma`); colour inputs from grey
 * images repeat the grey value. Rejects with CANCELLED / DEADLINE_EXCEEDED when `signal` aborts.
 */
export async function toTensor(
  image: DecodedImage,
  plan: ImageInputPlan,
  options: ResolvedPreprocessOptions,
  signal?: AbortSignal,
): Promise<TensorWithTransform> {
  const size = tensorSizeFor(image, plan, options);
  const transform = computeTransform({ width: image.width, height: image.height }, size, options.resize);
  const source = await resized(image, transform, options, signal);
  const data = packTensor(
    source,
    plan,
    size,
    { left: transform.padLeft, top: transform.padTop },
    options.padValue,
  );
  const spatial =
    plan.layout === 'NCHW'
      ? [plan.channels, size.height, size.width]
      : [size.height, size.width, plan.channels];
  return {
    tensor: {
      name: plan.name,
      datatype: plan.dataType,
      shape: plan.batched ? [1, ...spatial] : spatial,
      data,
    },
    transform,
  };
}
