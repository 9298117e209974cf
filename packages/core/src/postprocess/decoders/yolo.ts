/**
 * Decoder `yolo`: one output in the YOLOv8/v11 export layout, [N, 4 + C, A] (per anchor cx, cy,
 * w, h in tensor pixels then C class scores, already sigmoid-ed), or its transpose [N, A, 4 + C].
 * The layout is told by a dimension too small to be the features (<= 4), then by the label
 * count when known (the dimension equal to 4 + labels), else by the smaller dimension being the
 * features (A is in the thousands). Each anchor keeps its best class. YOLOv5-style outputs with
 * an objectness column are not this layout.
 * The output is parameter `chipq.output`, else the model's first output.
 */
import type { Tensor } from '../../kserve/kserve-types.js';
import { type DecodeContext, type Decoder, singleOutputName } from '../decoder.js';
import type { Candidate } from '../detection.js';
import { batchItem, findOutput, outputMismatch } from '../tensor-reader.js';

const NAME = 'yolo';

function featuresFirst(d1: number, d2: number, labelCount: number): boolean {
  // A dimension of 4 or less cannot hold 4 box values and a class score.
  if (d1 <= 4 || d2 <= 4) return d2 <= 4;
  if (labelCount > 0) {
    if (d1 === 4 + labelCount && d2 !== 4 + labelCount) return true;
    if (d2 === 4 + labelCount && d1 !== 4 + labelCount) return false;
  }
  return d1 <= d2;
}

function decode(outputs: Tensor[], context: DecodeContext): Candidate[] {
  const tensor = findOutput(outputs, singleOutputName(outputs, context.config), NAME);
  const { values, offset, dims } = batchItem(tensor, 2, context.batchIndex, NAME);
  const [d1, d2] = dims as [number, number];
  const first = featuresFirst(d1, d2, context.labelCount);
  const features = first ? d1 : d2;
  const anchors = first ? d2 : d1;
  if (features <= 4)
    throw outputMismatch(
      NAME,
      `output "${tensor.name}" has shape [${tensor.shape}]: no class scores after the 4 box values`,
    );
  // Element (feature f, anchor a) in either layout.
  const at = first
    ? (f: number, a: number) => values[offset + f * anchors + a] as number
    : (f: number, a: number) => values[offset + a * features + f] as number;
  const candidates: Candidate[] = [];
  for (let a = 0; a < anchors; a++) {
    let best = 4;
    for (let f = 5; f < features; f++) if (at(f, a) > at(best, a)) best = f;
    const confidence = at(best, a);
    if (!(confidence >= context.minConfidence) || confidence <= 0) continue;
    const cx = at(0, a);
    const cy = at(1, a);
    const w = at(2, a);
    const h = at(3, a);
    candidates.push({
      classId: best - 4,
      confidence,
      box: { x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2 },
    });
  }
  return candidates;
}

export const yoloDecoder: Decoder = { name: NAME, decode };
