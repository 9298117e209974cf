/**
 * What an inspection returns: the defects found (boxes in the original image's pixels), the
 * verdict and the rule that decided it, and where the time went.
 */

import type { VerdictRuleId, VerdictStatus } from '../postprocess/decide-verdict.js';
import type { Detection } from '../postprocess/detection.js';
import type { Severity } from '../postprocess/verdict-rules.js';
import type { ImageFormat } from '../preprocess/decode-image.js';
import type { ImageQuality } from '../preprocess/image-quality.js';

/** A detection that counts as a defect under the verdict rules, with its class's severity. */
export interface InspectedDefect extends Detection {
  severity: Severity;
}

export interface InspectionVerdict {
  status: VerdictStatus;
  /** Stable id of the rule that decided (see `decideVerdict`). */
  rule: VerdictRuleId;
  /** A sentence a person can read. */
  reason: string;
  /** Quality score 0-1 (1: no defects). */
  score: number;
}

/** Milliseconds per stage, measured in this process. */
export interface InspectionTimings {
  /** Reading and decoding the image and reference. */
  decodeMs: number;
  /** Resizing and packing the input tensors. */
  preprocessMs: number;
  /** Waiting in the engine's queue for a batch / an instance; null when the engine cannot know (Triton). */
  queueMs: number | null;
  /**
   * Running the model, as the engine measured it. On Triton, which reports no per-request split,
   * the whole round trip (its queue, compute and the network); its averages are in the statistics.
   */
  inferMs: number;
  /** Decoding outputs, NMS, mapping back and the verdict. */
  postprocessMs: number;
  /** From the call to the answer. */
  totalMs: number;
  /** Not a time: images in the model execution that ran this one (dynamic batching); absent when the engine does not say (Triton). */
  batchSize?: number;
}

export interface InspectionResult {
  model: { name: string; version: string };
  image: { width: number; height: number; format: ImageFormat };
  /** Defects that count (confidence and size reach their class's minimums), most confident first. */
  detections: InspectedDefect[];
  /** Detections just below the threshold (the review band), for a human look. */
  review: Detection[];
  verdict: InspectionVerdict;
  /** The image-quality measurements and any problems found (absent when the gate is off). */
  quality?: ImageQuality;
  timings: InspectionTimings;
}
