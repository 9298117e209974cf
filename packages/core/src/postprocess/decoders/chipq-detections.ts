/**
 * Decoder `chipq_detections`: the output of chipq's own detector (models/training), which does
 * its peak finding inside the graph. Outputs: `boxes` FP32 [N, K, 4] as x1, y1, x2, y2 in tensor
 * pixels, `scores` FP32 [N, K], `classes` INT32 [N, K] (0-based). Rows with score 0 are padding.
 * Names can be changed with parameters `chipq.boxes_output`, `chipq.scores_output`,
 * `chipq.classes_output`.
 */
import type { Tensor } from '../../kserve/kserve-types.js';
import type { DecodeContext, Decoder } from '../decoder.js';
import type { Candidate } from '../detection.js';
import { batchItem, findOutput, outputMismatch } from '../tensor-reader.js';

const NAME = 'chipq_detections';

function decode(outputs: Tensor[], context: DecodeContext): Candidate[] {
  const { parameters } = context.config;
  const boxes = batchItem(
    findOutput(outputs, parameters['chipq.boxes_output'] ?? 'boxes', NAME),
    2,
    context.batchIndex,
    NAME,
  );
  const scores = batchItem(
    findOutput(outputs, parameters['chipq.scores_output'] ?? 'scores', NAME),
    1,
    context.batchIndex,
    NAME,
  );
  const classes = batchItem(
    findOutput(outputs, parameters['chipq.classes_output'] ?? 'classes', NAME),
    1,
    context.batchIndex,
    NAME,
  );
  const k = scores.dims[0] as number;
  if (boxes.dims[0] !== k || boxes.dims[1] !== 4 || classes.dims[0] !== k) {
    throw outputMismatch(
      NAME,
      `expected boxes [N, ${k}, 4] and classes [N, ${k}], got boxes [${boxes.dims}] and classes [${classes.dims}]`,
    );
  }
  const candidates: Candidate[] = [];
  for (let i = 0; i < k; i++) {
    const confidence = scores.values[scores.offset + i] as number;
    // Score 0 marks padding even when the floor is 0.
    if (!(confidence > 0) || confidence < context.minConfidence) continue;
    const b = boxes.offset + i * 4;
    candidates.push({
      classId: classes.values[classes.offset + i] as number,
      confidence,
      box: {
        x1: boxes.values[b] as number,
        y1: boxes.values[b + 1] as number,
        x2: boxes.values[b + 2] as number,
        y2: boxes.values[b + 3] as number,
      },
    });
  }
  return candidates;
}

export const chipqDetectionsDecoder: Decoder = { name: NAME, decode };
