/**
 * @chipq/core/evaluation — how good a model is on labelled data: detection matching, average
 * precision per class and mAP, precision/recall/F1 at a threshold, and the DeepPCB folder layout.
 */
export type { DeepPcbAnnotation, DeepPcbPair, ReadDeepPcbOptions } from './deeppcb-dataset.js';
export { deepPcbClassNames, parseDeepPcbAnnotations, readDeepPcbDataset } from './deeppcb-dataset.js';
export type {
  EvaluationBox,
  GroundTruth,
  MatchedDetection,
  MatchOptions,
  ScoredDetection,
} from './match-detections.js';
export { matchDetections } from './match-detections.js';
export type {
  ClassAveragePrecision,
  DetectionEvaluation,
  EvaluateDetectionsOptions,
  PrecisionRecall,
} from './mean-average-precision.js';
export { averagePrecision, evaluateDetections } from './mean-average-precision.js';
