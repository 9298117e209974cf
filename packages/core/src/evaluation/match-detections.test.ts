import { describe, expect, it } from 'vitest';
import { iou } from '../postprocess/nms.js';
import { type EvaluationBox, matchDetections, type ScoredDetection } from './match-detections.js';

const box = (x1: number, y1: number, x2: number, y2: number): EvaluationBox => ({ x1, y1, x2, y2 });

// Matching uses postprocessing's iou; these are the cases evaluation relies on.
describe('iou for matching', () => {
  const cases: Array<[string, { a: EvaluationBox; b: EvaluationBox; want: number }]> = [
    ['identical', { a: box(0, 0, 10, 10), b: box(0, 0, 10, 10), want: 1 }],
    ['half covered', { a: box(0, 0, 10, 10), b: box(0, 0, 10, 5), want: 0.5 }],
    ['offset squares', { a: box(0, 0, 10, 10), b: box(5, 5, 15, 15), want: 25 / 175 }],
    ['touching edges', { a: box(0, 0, 10, 10), b: box(10, 0, 20, 10), want: 0 }],
    ['disjoint', { a: box(0, 0, 10, 10), b: box(20, 20, 30, 30), want: 0 }],
    ['degenerate', { a: box(5, 5, 5, 5), b: box(5, 5, 5, 5), want: 0 }],
  ];
  it.each(cases)('%s', (_name, { a, b, want }) => {
    expect(iou(a, b)).toBeCloseTo(want, 12);
    expect(iou(b, a)).toBeCloseTo(want, 12);
  });
});

describe('matchDetections', () => {
  const d = (confidence: number, b: EvaluationBox, classId = 0): ScoredDetection => ({
    imageId: 'a',
    classId,
    confidence,
    box: b,
  });

  it('matches by descending confidence whatever the input order', () => {
    const gts = [{ imageId: 'a', classId: 0, box: box(0, 0, 10, 10) }];
    const matched = matchDetections(gts, [d(0.2, box(0, 0, 10, 10)), d(0.9, box(0, 0, 10, 9))]);
    expect(matched.map((m) => [m.detection.confidence, m.truePositive])).toEqual([
      [0.9, true],
      [0.2, false],
    ]);
    expect(matched[0]?.iou).toBeCloseTo(0.9, 12);
  });

  it('lets a later detection take the next-best unmatched ground truth', () => {
    const gts = [
      { imageId: 'a', classId: 0, box: box(0, 0, 10, 10) },
      { imageId: 'a', classId: 0, box: box(2, 0, 12, 10) },
    ];
    const matched = matchDetections(gts, [d(0.9, box(0, 0, 10, 10)), d(0.8, box(0, 0, 10, 10))]);
    expect(matched.map((m) => m.truePositive)).toEqual([true, true]);
    expect(matched[1]?.iou).toBeCloseTo(80 / 120, 12);
  });
});
