/**
 * The preprocessing step of an inspection: the tested image and, when the model takes one, its
 * defect-free reference, decoded in parallel, checked against each other and turned into the
 * model's input tensors, with the time each stage took.
 */

import { ChipqError } from '../errors.js';
import type { Tensor } from '../kserve/kserve-types.js';
import type { ModelConfig } from '../model-repository/model-config.js';
import { decodeImage, type ImageFormat } from './decode-image.js';
import type { ImageGate } from './image-gate.js';
import { type ImageQuality, measureImageQuality } from './image-quality.js';
import type { ImageTransform } from './image-transform.js';
import { planInputs } from './input-plan.js';
import type { ResolvedPreprocessOptions } from './preprocess-options.js';
import { toTensor } from './to-tensor.js';

export interface PreprocessPairRequest {
  /** Encoded tested image (PNG, JPEG, TIFF, WebP, GIF). */
  image: Uint8Array;
  /** Encoded reference image, same size as `image`; required when the model declares a reference input. */
  reference?: Uint8Array;
  config: ModelConfig;
  options: ResolvedPreprocessOptions;
  /** The model's minimum size and quality thresholds; without it neither is checked. */
  gate?: ImageGate;
  signal?: AbortSignal;
}

export interface PreprocessPairResult {
  /** One tensor per model input filled (image first, then reference). */
  inputs: Tensor[];
  /** Original-to-tensor geometry of the image (the reference shares it). */
  transform: ImageTransform;
  /** The tested image as decoded (after EXIF orientation). */
  image: { width: number; height: number; format: ImageFormat };
  /** The image-quality measurements (undefined without a gate, or with the gate off). */
  quality: ImageQuality | undefined;
  timing: { decodeMs: number; preprocessMs: number };
}

/**
 * Decodes and preprocesses an image and its optional reference for `config`'s inputs (see
 * `planInputs`). Throws ChipqError: REFERENCE_REQUIRED when the model needs a reference and none
 * came; INVALID_INPUT when a reference came for a model without a reference input;
 * REFERENCE_MISMATCH (details `{ image: [w, h], reference: [w, h] }`) when sizes differ after
 * orientation; IMAGE_TOO_SMALL (details `{ width, height, min }`) when the image's shorter side is
 * below the gate's minimum; and every code of `decodeImage` and `planInputs`.
 */
export async function preprocessPair(request: PreprocessPairRequest): Promise<PreprocessPairResult> {
  const { config, options, signal } = request;
  const plan = planInputs(config);
  if (request.reference === undefined && plan.referenceRequired) {
    throw new ChipqError(
      'REFERENCE_REQUIRED',
      `model ${config.name} needs a reference image (input ${plan.reference?.name})`,
    );
  }
  if (request.reference !== undefined && !plan.reference) {
    throw new ChipqError(
      'INVALID_INPUT',
      `model ${config.name} takes no reference image; send the image alone`,
      {
        details: { field: 'reference' },
      },
    );
  }
  const started = performance.now();
  const decodeReference =
    request.reference === undefined
      ? undefined
      : decodeImage(request.reference, options, signal, { channels: plan.reference?.channels ?? 3 });
  // Both decodes run at once (sharp works on libuv's pool); Promise.all also handles the
  // rejection of the one that loses a race, so no failure goes unhandled.
  const [image, reference] = await Promise.all([
    decodeImage(request.image, options, signal, { channels: plan.image.channels }),
    decodeReference,
  ]);
  const decoded = performance.now();
  if (reference && (reference.width !== image.width || reference.height !== image.height)) {
    throw new ChipqError(
      'REFERENCE_MISMATCH',
      `the reference is ${reference.width}x${reference.height}, the image ${image.width}x${image.height}; they must match`,
      { details: { image: [image.width, image.height], reference: [reference.width, reference.height] } },
    );
  }
  const gate = request.gate;
  if (gate !== undefined && Math.min(image.width, image.height) < gate.minImageSize) {
    throw new ChipqError(
      'IMAGE_TOO_SMALL',
      `the image is ${image.width}x${image.height}; model ${config.name} needs at least ${gate.minImageSize} pixels on the shorter side`,
      { details: { width: image.width, height: image.height, min: gate.minImageSize } },
    );
  }
  const quality = gate?.quality.enabled ? measureImageQuality(image, reference, gate.quality) : undefined;
  const jobs: Array<Promise<{ tensor: Tensor; transform: ImageTransform }>> = [
    toTensor(image, plan.image, options, signal),
  ];
  if (reference && plan.reference) jobs.push(toTensor(reference, plan.reference, options, signal));
  const results = await Promise.all(jobs);
  const first = results[0];
  if (!first) throw new ChipqError('INTERNAL', 'no tensor was produced');
  return {
    inputs: results.map((r) => r.tensor),
    transform: first.transform,
    image: { width: image.width, height: image.height, format: image.format },
    quality,
    timing: { decodeMs: decoded - started, preprocessMs: performance.now() - decoded },
  };
}
