/**
 * A model's image gate, from its config.pbtxt: the smallest image it can inspect and the
 * image-quality thresholds it is judged by.
 *
 *   parameters { key: "chipq.min_image_size" value: { string_value: "320" } }
 *   parameters { key: "chipq.image_quality" value: { string_value: "{\"minContrast\":4}" } }
 *
 * Without `chipq.min_image_size` the shorter side must reach a quarter of the model input's
 * shorter side (more than 4x upscaling invents detail the model never saw), and at least 8
 * pixels; inputs of dynamic size need 8. `chipq.image_quality` (JSON of `ImageQualityOptions`)
 * overrides the inspector's thresholds field by field.
 */
import { ChipqError } from '../errors.js';
import type { ModelConfig } from '../model-repository/model-config.js';
import {
  type ImageQualityOptions,
  type ResolvedImageQualityOptions,
  resolveImageQualityOptions,
} from './image-quality.js';
import { planInputs } from './input-plan.js';

export interface ImageGate {
  /** Pixels the image's shorter side must reach. */
  minImageSize: number;
  quality: ResolvedImageQualityOptions;
}

const MIN_IMAGE_SIZE_FLOOR = 8;

function configError(config: ModelConfig, parameter: string, message: string, cause?: unknown): ChipqError {
  return new ChipqError('MODEL_CONFIG_INVALID', `model ${config.name}: parameter ${parameter} ${message}`, {
    cause,
    details: { model: config.name, parameter },
  });
}

function minImageSize(config: ModelConfig): number {
  const text = config.parameters['chipq.min_image_size'];
  if (text !== undefined) {
    if (!/^[1-9][0-9]{0,5}$/.test(text.trim()))
      throw configError(config, 'chipq.min_image_size', `must be a whole number of pixels, got "${text}"`);
    return Number(text.trim());
  }
  const { height, width } = planInputs(config).image;
  if (height <= 0 || width <= 0) return MIN_IMAGE_SIZE_FLOOR;
  return Math.max(MIN_IMAGE_SIZE_FLOOR, Math.ceil(Math.min(height, width) / 4));
}

function qualityOverrides(config: ModelConfig): ImageQualityOptions {
  const text = config.parameters['chipq.image_quality'];
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw configError(
      config,
      'chipq.image_quality',
      'must be a JSON object of image-quality thresholds',
      cause,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw configError(config, 'chipq.image_quality', 'must be a JSON object of image-quality thresholds');
  return parsed as ImageQualityOptions;
}

/** The gate of `config`'s model over the inspector's `base` thresholds. */
export function imageGate(config: ModelConfig, base: ImageQualityOptions): ImageGate {
  let quality: ResolvedImageQualityOptions;
  try {
    quality = resolveImageQualityOptions({ ...base, ...qualityOverrides(config) });
  } catch (error) {
    if (error instanceof ChipqError && error.code === 'INVALID_INPUT')
      throw configError(config, 'chipq.image_quality', error.message, error);
    throw error;
  }
  return { minImageSize: minImageSize(config), quality };
}
