/**
 * The decoder contract: turn a model's raw outputs for one image into candidates. Each decoder
 * is one file in `decoders/`, listed once in `decoder-registry.ts`; callers may also pass their
 * own object that satisfies this interface.
 */
import type { Tensor } from '../kserve/kserve-types.js';
import type { ModelConfig } from '../model-repository/model-config.js';
import type { Candidate } from './detection.js';

export interface DecodeContext {
  /** The model's config: decoders read their `chipq.*` parameters from it. */
  config: ModelConfig;
  /** Keep candidates with confidence >= this (the review floor, not the pass threshold). */
  minConfidence: number;
  /** Which element of the outputs' batch dimension to decode. */
  batchIndex: number;
  /** Number of labels known for the model (0 when none): helps decoders that must guess a layout. */
  labelCount: number;
}

export interface Decoder {
  /** The name used in parameter `chipq.decoder`. */
  readonly name: string;
  /** Throws ChipqError('MODEL_CONFIG_INVALID') when the outputs do not have the expected form. */
  decode(outputs: Tensor[], context: DecodeContext): Candidate[];
}

/** The output a single-output decoder reads: parameter `chipq.output`, else the config's first output, else the first tensor. */
export function singleOutputName(outputs: Tensor[], config: ModelConfig): string {
  return config.parameters['chipq.output'] ?? config.output[0]?.name ?? outputs[0]?.name ?? '';
}
