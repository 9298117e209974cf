/**
 * The built-in decoders by name, and the choice of one for a model: the caller's, else parameter
 * `chipq.decoder`, else a guess from the config's outputs. Adding a decoder is one file in
 * `decoders/` and one line here.
 */
import { ChipqError } from '../errors.js';
import type { ModelConfig } from '../model-repository/model-config.js';
import type { Decoder } from './decoder.js';
import { chipqDetectionsDecoder } from './decoders/chipq-detections.js';
import { classificationDecoder } from './decoders/classification.js';
import { yoloDecoder } from './decoders/yolo.js';

export const builtInDecoders: Readonly<Record<string, Decoder>> = Object.freeze({
  [chipqDetectionsDecoder.name]: chipqDetectionsDecoder,
  [yoloDecoder.name]: yoloDecoder,
  [classificationDecoder.name]: classificationDecoder,
});

/** Guesses from declared outputs: boxes+scores+classes, else one output of per-image rank 2 (YOLO) or 1 (classification). */
function inferDecoderName(config: ModelConfig): string | undefined {
  const names = new Set(config.output.map((o) => o.name));
  const p = config.parameters;
  if (
    names.has(p['chipq.boxes_output'] ?? 'boxes') &&
    names.has(p['chipq.scores_output'] ?? 'scores') &&
    names.has(p['chipq.classes_output'] ?? 'classes')
  ) {
    return chipqDetectionsDecoder.name;
  }
  const only = config.output.length === 1 ? config.output[0] : undefined;
  if (!only) return undefined;
  const rank = only.dims.length - (config.maxBatchSize > 0 ? 0 : 1);
  if (rank === 2) return yoloDecoder.name;
  if (rank === 1) return classificationDecoder.name;
  return undefined;
}

/**
 * The decoder for `config`: `choice` when it is a Decoder, else the built-in named by `choice`,
 * by parameter `chipq.decoder`, or guessed from the outputs. Throws
 * ChipqError('MODEL_CONFIG_INVALID') for unknown names or when nothing fits.
 */
export function resolveDecoder(config: ModelConfig, choice?: string | Decoder): Decoder {
  if (typeof choice === 'object') return choice;
  const name = choice ?? config.parameters['chipq.decoder'] ?? inferDecoderName(config);
  if (name === undefined) {
    throw new ChipqError(
      'MODEL_CONFIG_INVALID',
      `model ${config.name}: cannot tell how to decode its outputs; set parameter chipq.decoder`,
      {
        details: { model: config.name },
      },
    );
  }
  const decoder = builtInDecoders[name];
  if (!decoder) {
    throw new ChipqError(
      'MODEL_CONFIG_INVALID',
      `model ${config.name}: unknown decoder "${name}"; known: ${Object.keys(builtInDecoders).join(', ')}`,
      {
        details: { model: config.name, decoder: name },
      },
    );
  }
  return decoder;
}
