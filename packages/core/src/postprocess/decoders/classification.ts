/**
 * Decoder `classification`: one output [N, C] of class scores, or logits when parameter
 * `chipq.apply_softmax` is "true". Every class scoring at least the floor becomes an image-level
 * candidate (no box: it covers the whole image). The output is parameter `chipq.output`, else the
 * model's first output.
 */
import type { Tensor } from '../../kserve/kserve-types.js';
import { type DecodeContext, type Decoder, singleOutputName } from '../decoder.js';
import type { Candidate } from '../detection.js';
import { batchItem, findOutput } from '../tensor-reader.js';

const NAME = 'classification';

/** Softmax, shifted by the maximum so large logits do not overflow. */
export function softmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((v) => v / sum);
}

function decode(outputs: Tensor[], context: DecodeContext): Candidate[] {
  const tensor = findOutput(outputs, singleOutputName(outputs, context.config), NAME);
  const { values, offset, dims } = batchItem(tensor, 1, context.batchIndex, NAME);
  const raw = Array.from({ length: dims[0] as number }, (_, c) => values[offset + c] as number);
  const scores = context.config.parameters['chipq.apply_softmax'] === 'true' ? softmax(raw) : raw;
  const candidates: Candidate[] = [];
  scores.forEach((confidence, classId) => {
    if (confidence >= context.minConfidence && confidence > 0) candidates.push({ classId, confidence });
  });
  return candidates;
}

export const classificationDecoder: Decoder = { name: NAME, decode };
