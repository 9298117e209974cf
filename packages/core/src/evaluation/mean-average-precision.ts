/**
 * Detection quality as benchmarks report it: average precision per class, its mean over
 * classes, and precision/recall/F1 at the confidence threshold a deployment uses.
 */
import { ChipqError } from '../errors.js';
import {
  type GroundTruth,
  type MatchedDetection,
  type MatchOptions,
  matchDetections,
  type ScoredDetection,
} from './match-detections.js';

export interface EvaluateDetectionsOptions extends MatchOptions {
  /** Detections at or above this confidence count for precision/recall/F1. Default 0.5. */
  confidenceThreshold?: number;
  /**
   * Classes to report, in order. Default: every class seen in the ground truths or detections,
   * ascending. A listed class without ground truths gets `averagePrecision: null`.
   */
  classIds?: readonly number[];
}

export interface ClassAveragePrecision {
  classId: number;
  /** All-point interpolated AP in [0, 1]; `null` when the class has no ground truth. */
  averagePrecision: number | null;
  groundTruths: number;
  detections: number;
}

export interface PrecisionRecall {
  confidenceThreshold: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** TP / (TP + FP); 0 when nothing was detected. */
  precision: number;
  /** TP / (TP + FN); 0 when there is no ground truth. */
  recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  f1: number;
}

export interface DetectionEvaluation {
  iouThreshold: number;
  strict: boolean;
  /** Mean of the per-class APs over classes that have ground truths (0 when none do). */
  meanAveragePrecision: number;
  classes: ClassAveragePrecision[];
  atThreshold: PrecisionRecall;
}

/**
 * Area under the precision/recall curve with all-point interpolation (PASCAL VOC 2010 and
 * later; COCO uses 101 recall points instead): precision is made monotone from the right, then
 * summed over every step in recall. `truePositives` are the matched flags in descending
 * confidence order; `groundTruths` is the number of ground truths of the class (> 0).
 */
export function averagePrecision(truePositives: readonly boolean[], groundTruths: number): number {
  if (!Number.isInteger(groundTruths) || groundTruths <= 0) {
    throw new ChipqError(
      'INVALID_INPUT',
      `expected a positive integer ground-truth count, got ${groundTruths}`,
    );
  }
  const recall: number[] = [];
  const precision: number[] = [];
  let tp = 0;
  truePositives.forEach((hit, i) => {
    if (hit) tp++;
    recall.push(tp / groundTruths);
    precision.push(tp / (i + 1));
  });
  for (let i = precision.length - 2; i >= 0; i--) {
    precision[i] = Math.max(precision[i] ?? 0, precision[i + 1] ?? 0);
  }
  let area = 0;
  let previousRecall = 0;
  recall.forEach((r, i) => {
    if (r > previousRecall) area += (r - previousRecall) * (precision[i] ?? 0);
    previousRecall = r;
  });
  return area;
}

/**
 * Evaluates detections against ground truths: per-class AP at one IoU threshold, mAP, and
 * precision/recall/F1 at `confidenceThreshold`. Defaults: IoU >= 0.5, confidence 0.5. For the
 * DeepPCB benchmark use `{ iouThreshold: 0.33, strict: true }`.
 */
export function evaluateDetections(
  groundTruths: readonly GroundTruth[],
  detections: readonly ScoredDetection[],
  options: EvaluateDetectionsOptions = {},
): DetectionEvaluation {
  const iouThreshold = options.iouThreshold ?? 0.5;
  const strict = options.strict ?? false;
  const confidenceThreshold = options.confidenceThreshold ?? 0.5;
  if (!(iouThreshold >= 0 && iouThreshold <= 1)) {
    throw new ChipqError(
      'INVALID_INPUT',
      `expected a number between 0 and 1 for iouThreshold, got ${iouThreshold}`,
    );
  }
  if (!(confidenceThreshold >= 0 && confidenceThreshold <= 1)) {
    throw new ChipqError(
      'INVALID_INPUT',
      `expected a number between 0 and 1 for confidenceThreshold, got ${confidenceThreshold}`,
    );
  }
  const matched = matchDetections(groundTruths, detections, { iouThreshold, strict });
  const classIds =
    options.classIds ??
    [...new Set([...groundTruths, ...detections].map((x) => x.classId))].sort((a, b) => a - b);
  const classes = classIds.map((classId) => classAp(classId, groundTruths, matched));
  const scored = classes.flatMap((c) => (c.averagePrecision === null ? [] : [c.averagePrecision]));
  const meanAveragePrecision = scored.length ? scored.reduce((a, b) => a + b, 0) / scored.length : 0;
  return {
    iouThreshold,
    strict,
    meanAveragePrecision,
    classes,
    atThreshold: precisionRecall(matched, groundTruths.length, confidenceThreshold),
  };
}

function classAp(
  classId: number,
  groundTruths: readonly GroundTruth[],
  matched: readonly MatchedDetection[],
): ClassAveragePrecision {
  const gts = groundTruths.filter((g) => g.classId === classId).length;
  const flags = matched.filter((m) => m.detection.classId === classId).map((m) => m.truePositive);
  return {
    classId,
    averagePrecision: gts > 0 ? averagePrecision(flags, gts) : null,
    groundTruths: gts,
    detections: flags.length,
  };
}

function precisionRecall(
  matched: readonly MatchedDetection[],
  groundTruths: number,
  confidenceThreshold: number,
): PrecisionRecall {
  let truePositives = 0;
  let falsePositives = 0;
  for (const m of matched) {
    if (m.detection.confidence < confidenceThreshold) continue;
    if (m.truePositive) truePositives++;
    else falsePositives++;
  }
  const precision = truePositives + falsePositives > 0 ? truePositives / (truePositives + falsePositives) : 0;
  const recall = groundTruths > 0 ? truePositives / groundTruths : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return {
    confidenceThreshold,
    truePositives,
    falsePositives,
    falseNegatives: groundTruths - truePositives,
    precision,
    recall,
    f1,
  };
}
