/**
 * @chipq/core/preprocess — the first step of an inspection on its own: decode an image with size
 * and decompression limits, orient it, letterbox or stretch it, and pack it into the tensor a
 * model's config asks for, for one image or an image and its reference.
 */
export type { DecodedImage, ImageFormat } from './decode-image.js';
export { decodeImage, supportedImageFormats } from './decode-image.js';
export type { ImageByteLimitSubject } from './image-byte-limit.js';
export { checkImageBytes } from './image-byte-limit.js';
export type { ImageGate } from './image-gate.js';
export { imageGate } from './image-gate.js';
export type { ImageQuality, ImageQualityOptions, ResolvedImageQualityOptions } from './image-quality.js';
export { DEFAULT_IMAGE_QUALITY, measureImageQuality, resolveImageQualityOptions } from './image-quality.js';
export type { Box, ImageTransform, Size } from './image-transform.js';
export { computeTransform, mapBoxToOriginal, mapBoxToTensor } from './image-transform.js';
export type { ImageDataType, ImageInputPlan, ImageLayout, InputsPlan } from './input-plan.js';
export { planInputs } from './input-plan.js';
export type {
  PreprocessOptions,
  ResizeKernel,
  ResizeMode,
  ResolvedPreprocessOptions,
} from './preprocess-options.js';
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, resolvePreprocessOptions } from './preprocess-options.js';
export type { PreprocessPairRequest, PreprocessPairResult } from './preprocess-pair.js';
export { preprocessPair } from './preprocess-pair.js';
export type { TensorWithTransform } from './to-tensor.js';
export { toTensor } from './to-tensor.js';
