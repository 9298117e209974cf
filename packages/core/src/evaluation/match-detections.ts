/**
 * Matching scored detections to ground truths, the step every detection metric starts from:
 * greedy by descending confidence, same image and same class only, each ground truth used at
 * most once.
 */
import { iou } from '../postprocess/nms.js';

/** An axis-aligned box in pixels: (x1, y1) top-left, (x2, y2) bottom-right. */
export interface EvaluationBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** One annotated defect. */
export interface GroundTruth {
  imageId: string;
  classId: number;
  box: EvaluationBox;
}

/** One detection the model reported, with its confidence in [0, 1]. */
export interface ScoredDetection {
  imageId: string;
  classId: number;
  confidence: number;
  box: EvaluationBox;
}

export interface MatchOptions {
  /** IoU a detection needs with a ground truth to count as found. Default 0.5. */
  iouThreshold?: number;
  /** `true`: IoU must be strictly greater than the threshold (DeepPCB counts IoU > 0.33). Default `false` (>=). */
  strict?: boolean;
}

/** A detection after matching, in descending confidence order. */
export interface MatchedDetection {
  detection: ScoredDetection;
  truePositive: boolean;
  /** IoU with the ground truth it matched; 0 for a false positive. */
  iou: number;
}

/**
 * Matches detections to ground truths. Detections are taken by descending confidence (ties keep
 * input order); each takes the still-unmatched ground truth of the same image and class with
 * the highest IoU, if that IoU passes the threshold (COCO's rule: a detection is never
 * blocked by a ground truth an earlier detection already claimed). Because matching is greedy
 * in confidence order, the matches of the detections above any confidence threshold are the
 * same as when only those detections are given, so one pass serves AP and P/R/F1 alike.
 */
export function matchDetections(
  groundTruths: readonly GroundTruth[],
  detections: readonly ScoredDetection[],
  options: MatchOptions = {},
): MatchedDetection[] {
  const iouThreshold = options.iouThreshold ?? 0.5;
  const strict = options.strict ?? false;
  const pool = new Map<string, Array<{ box: EvaluationBox; used: boolean }>>();
  for (const gt of groundTruths) {
    const key = `${gt.classId}\u0000${gt.imageId}`;
    const list = pool.get(key) ?? [];
    if (list.length === 0) pool.set(key, list);
    list.push({ box: gt.box, used: false });
  }
  const order = detections.map((d, i) => ({ d, i }));
  order.sort((a, b) => b.d.confidence - a.d.confidence || a.i - b.i);
  return order.map(({ d }) => {
    const candidates = pool.get(`${d.classId}\u0000${d.imageId}`) ?? [];
    let best: { box: EvaluationBox; used: boolean } | undefined;
    let bestIou = -1;
    for (const c of candidates) {
      if (c.used) continue;
      const overlap = iou(d.box, c.box);
      if (overlap > bestIou) {
        bestIou = overlap;
        best = c;
      }
    }
    const passes = best !== undefined && (strict ? bestIou > iouThreshold : bestIou >= iouThreshold);
    if (passes && best) best.used = true;
    return { detection: d, truePositive: passes, iou: passes ? bestIou : 0 };
  });
}
