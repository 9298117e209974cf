/**
 * Options of `createInspector`, their defaults, and their one-time resolution (CONVENTIONS.md §6).
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { ChipqError } from '../errors.js';
import type { VerdictRules } from '../postprocess/verdict-rules.js';
import { type ImageQualityOptions, resolveImageQualityOptions } from '../preprocess/image-quality.js';
import {
  type PreprocessOptions,
  type ResolvedPreprocessOptions,
  resolvePreprocessOptions,
} from '../preprocess/preprocess-options.js';

export interface InspectorOptions {
  /** Folder of the model repository (Triton layout). Labels and model cards are read from it. Default `./models`. */
  models?: string;
  /**
   * The engine to run on. Default: the embedded ONNX Runtime engine over `models`. An engine
   * passed in stays the caller's: `close()` does not close it.
   */
  engine?: Engine;
  /** Models to load when the inspector is created: names, `'*'` for all, `[]` for none. Default `'*'`. */
  loadModels?: readonly string[] | '*';
  /** Model used when a request names none. Default: the only loaded model (an error when several are). */
  defaultModel?: string;
  /** Confidence from which a detection counts as a defect. Default 0.75 (`MODEL_CONFIDENCE_THRESHOLD` in the service). */
  confidenceThreshold?: number;
  /** Decoding, size limits and resizing; see `PreprocessOptions` for each default. */
  preprocess?: PreprocessOptions;
  /**
   * Quality rules for every model; a model's `chipq.verdict` parameter (JSON of `VerdictRules`)
   * overrides them field by field, and `confidenceThreshold` above overrides both. Default: the
   * `VerdictRules` defaults.
   */
  verdict?: VerdictRules;
  /**
   * Thresholds of the image-quality gate for every model; a model's `chipq.image_quality`
   * parameter overrides them field by field. An image that fails them gets verdict REVIEW, rule
   * `image-quality`. Default: the `ImageQualityOptions` defaults.
   */
  imageQuality?: ImageQualityOptions;
  /** How long a model's config, labels and rules are reused before they are read again, in ms. Default 5000. */
  modelCacheTtlMs?: number;
  /** Deadline of an inspection that gives no `timeoutMs`, in ms. Default 30000. */
  defaultTimeoutMs?: number;
  /**
   * Image pairs decoded and preprocessed at once; later inspections wait their turn. Bounds the
   * memory decoded pixels take under load. Default: twice the cores (at least 2).
   */
  maxConcurrentDecodes?: number;
}

export interface ResolvedInspectorOptions {
  models: string;
  engine: Engine | undefined;
  loadModels: readonly string[] | '*';
  defaultModel: string | undefined;
  confidenceThreshold: number | undefined;
  preprocess: ResolvedPreprocessOptions;
  verdict: VerdictRules;
  imageQuality: ImageQualityOptions;
  modelCacheTtlMs: number;
  defaultTimeoutMs: number;
  maxConcurrentDecodes: number;
}

function invalid(message: string): ChipqError {
  return new ChipqError('INVALID_INPUT', message);
}

/** Checks a 0-1 confidence; `undefined` passes through. */
export function checkConfidence(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(typeof value === 'number' && value >= 0 && value <= 1)) {
    throw invalid(`expected a number between 0 and 1 for ${name}, got ${String(value)}`);
  }
  return value;
}

function checkInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw invalid(`expected an integer >= ${min} for ${name}, got ${String(value)}`);
  return value;
}

/** Fills defaults and validates once; throws ChipqError('INVALID_INPUT') naming the option. */
export function resolveInspectorOptions(options: InspectorOptions = {}): ResolvedInspectorOptions {
  const loadModels = options.loadModels ?? '*';
  if (
    loadModels !== '*' &&
    !(Array.isArray(loadModels) && loadModels.every((m) => typeof m === 'string' && m !== ''))
  ) {
    throw invalid(
      `expected '*' or an array of model names for loadModels, got ${JSON.stringify(loadModels)}`,
    );
  }
  return {
    models: resolve(options.models ?? './models'),
    engine: options.engine,
    loadModels,
    defaultModel: options.defaultModel,
    confidenceThreshold: checkConfidence('confidenceThreshold', options.confidenceThreshold),
    preprocess: resolvePreprocessOptions(options.preprocess),
    verdict: options.verdict ?? {},
    // Resolved now so a bad threshold fails here, not on the first image.
    imageQuality: resolveImageQualityOptions(options.imageQuality),
    modelCacheTtlMs: checkInteger('modelCacheTtlMs', options.modelCacheTtlMs ?? 5000, 0),
    defaultTimeoutMs: checkInteger('defaultTimeoutMs', options.defaultTimeoutMs ?? 30_000, 1),
    maxConcurrentDecodes: checkInteger(
      'maxConcurrentDecodes',
      options.maxConcurrentDecodes ?? Math.max(2, 2 * availableParallelism()),
      1,
    ),
  };
}
