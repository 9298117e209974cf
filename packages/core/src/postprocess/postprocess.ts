/**
 * From a model's outputs to detections in original image pixels: decode (down to the review
 * floor), class-wise NMS in tensor pixels, map back through the preprocessing transform, name the
 * classes, cap the count. Options are resolved once per model.
 */

import { ChipqError } from '../errors.js';
import type { Tensor } from '../kserve/kserve-types.js';
import type { ModelConfig } from '../model-repository/model-config.js';
import { type ImageTransform, mapBoxToOriginal } from '../preprocess/image-transform.js';
import type { Decoder } from './decoder.js';
import { resolveDecoder } from './decoder-registry.js';
import type { Candidate, Detection } from './detection.js';
import { nonMaxSuppression } from './nms.js';

export interface PostprocessOptions {
  /** A built-in decoder's name or a Decoder. Default: parameter `chipq.decoder`, else guessed from the outputs. */
  decoder?: string | Decoder;
  /**
   * Candidates below this confidence are dropped. Default 0.75 (the platform's threshold). To let
   * the verdict see its review band, pass `candidateFloor(rules)` instead.
   */
  minConfidence?: number;
  /** IoU above which a same-class box is suppressed. Default: parameter `chipq.nms_iou`, else 0.45. */
  nmsIou?: number;
  /** Most detections kept per image, most confident first. Default 300. */
  maxDetections?: number;
  /** Class names by class id. Default none: classes are named `class_<id>`. */
  labels?: readonly string[];
}

export interface ResolvedPostprocessOptions {
  config: ModelConfig;
  decoder: Decoder;
  minConfidence: number;
  nmsIou: number;
  maxDetections: number;
  labels: readonly string[];
}

function unitInterval(name: string, value: number): number {
  if (!(value >= 0 && value <= 1))
    throw new ChipqError(
      'INVALID_INPUT',
      `expected a number between 0 and 1 for ${name}, got ${String(value)}`,
    );
  return value;
}

/** Fills defaults from `options`, then the model's parameters; throws INVALID_INPUT / MODEL_CONFIG_INVALID naming the bad value. */
export function resolvePostprocessOptions(
  config: ModelConfig,
  options: PostprocessOptions = {},
): ResolvedPostprocessOptions {
  const paramIou = config.parameters['chipq.nms_iou'];
  if (
    options.nmsIou === undefined &&
    paramIou !== undefined &&
    !(Number(paramIou) >= 0 && Number(paramIou) <= 1)
  ) {
    throw new ChipqError(
      'MODEL_CONFIG_INVALID',
      `model ${config.name}: parameter chipq.nms_iou must be between 0 and 1, got "${paramIou}"`,
    );
  }
  const maxDetections = options.maxDetections ?? 300;
  if (!Number.isInteger(maxDetections) || maxDetections < 1) {
    throw new ChipqError(
      'INVALID_INPUT',
      `expected a positive integer for maxDetections, got ${String(maxDetections)}`,
    );
  }
  return {
    config,
    decoder: resolveDecoder(config, options.decoder),
    minConfidence: unitInterval('minConfidence', options.minConfidence ?? 0.75),
    nmsIou: unitInterval('nmsIou', options.nmsIou ?? (paramIou === undefined ? 0.45 : Number(paramIou))),
    maxDetections,
    labels: options.labels ?? [],
  };
}

/** The label of `classId`, else `class_<id>`. */
export function className(classId: number, labels: readonly string[]): string {
  const label = labels[classId];
  return label === undefined || label === '' ? `class_${classId}` : label;
}

/**
 * Detections for batch element `batchIndex` (default 0) of `outputs`, most confident first.
 * Boxes are in original pixels, clamped to the image; boxes that lie wholly in letterbox padding
 * (zero area once clamped) are dropped. Image-level candidates get the whole image as their box.
 */
export function postprocess(
  outputs: Tensor[],
  transform: ImageTransform,
  options: ResolvedPostprocessOptions,
  batchIndex = 0,
): Detection[] {
  const { config, decoder, labels } = options;
  const candidates = decoder.decode(outputs, {
    config,
    minConfidence: options.minConfidence,
    batchIndex,
    labelCount: labels.length,
  });
  const boxed: Array<Candidate & { box: NonNullable<Candidate['box']> }> = [];
  const whole: Candidate[] = [];
  for (const c of candidates) {
    if (c.confidence < options.minConfidence) continue;
    if (c.box) boxed.push({ ...c, box: c.box });
    else whole.push(c);
  }
  const { width, height } = transform.original;
  const detections: Detection[] = whole.map((c) => ({
    classId: c.classId,
    className: className(c.classId, labels),
    confidence: c.confidence,
    box: { x1: 0, y1: 0, x2: width, y2: height },
  }));
  for (const c of nonMaxSuppression(boxed, options.nmsIou)) {
    const box = mapBoxToOriginal(c.box, transform);
    if (box.x2 <= box.x1 || box.y2 <= box.y1) continue;
    detections.push({
      classId: c.classId,
      className: className(c.classId, labels),
      confidence: c.confidence,
      box,
    });
  }
  return detections.sort((a, b) => b.confidence - a.confidence).slice(0, options.maxDetections);
}
