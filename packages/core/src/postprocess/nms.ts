/**
 * Greedy non-maximum suppression, per class: among boxes of one class, the most confident is
 * kept and every box overlapping it by more than the IoU threshold is dropped, then repeat.
 */
import type { Box } from '../preprocess/image-transform.js';

/** Intersection over union of two boxes; 0 when both are empty. */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Class-wise NMS. A box is suppressed when its IoU with a kept box of the same class is strictly
 * greater than `iouThreshold` (default 0.45), as torchvision's `nms`: IoU exactly at the
 * threshold survives. Returns the kept items, most confident first (ties keep input order).
 */
export function nonMaxSuppression<T extends { classId: number; confidence: number; box: Box }>(
  items: readonly T[],
  iouThreshold = 0.45,
): T[] {
  const sorted = [...items].sort((a, b) => b.confidence - a.confidence);
  const kept: T[] = [];
  const keptByClass = new Map<number, T[]>();
  for (const item of sorted) {
    const sameClass = keptByClass.get(item.classId) ?? [];
    if (sameClass.some((k) => iou(k.box, item.box) > iouThreshold)) continue;
    sameClass.push(item);
    keptByClass.set(item.classId, sameClass);
    kept.push(item);
  }
  return kept;
}
