import { describe, expect, it } from 'vitest';
import { ChipqError } from '../errors.js';
import type { EvaluationBox, GroundTruth, ScoredDetection } from './match-detections.js';
import {
  averagePrecision,
  type EvaluateDetectionsOptions,
  evaluateDetections,
} from './mean-average-precision.js';

const box = (x1: number, y1: number, x2: number, y2: number): EvaluationBox => ({ x1, y1, x2, y2 });
const gt = (imageId: string, classId: number, b: EvaluationBox): GroundTruth => ({
  imageId,
  classId,
  box: b,
});
const det = (imageId: string, classId: number, confidence: number, b: EvaluationBox): ScoredDetection => ({
  imageId,
  classId,
  confidence,
  box: b,
});

const A = box(0, 0, 10, 10);
const B = box(100, 100, 130, 120);
const C = box(50, 50, 60, 80);
const elsewhere = box(300, 300, 310, 310);

interface Want {
  map: number;
  aps: Array<number | null>;
  precision: number;
  recall: number;
  f1: number;
}

describe('evaluateDetections', () => {
  const cases: Array<
    [string, { gts: GroundTruth[]; dets: ScoredDetection[]; options?: EvaluateDetectionsOptions; want: Want }]
  > = [
    [
      'perfect detections',
      {
        gts: [gt('a', 0, A), gt('a', 1, B), gt('b', 0, C)],
        dets: [det('a', 0, 0.9, A), det('a', 1, 0.8, B), det('b', 0, 0.7, C)],
        want: { map: 1, aps: [1, 1], precision: 1, recall: 1, f1: 1 },
      },
    ],
    [
      'one false positive ranked between two hits',
      {
        gts: [gt('a', 0, A), gt('b', 0, C)],
        dets: [det('a', 0, 0.9, A), det('a', 0, 0.8, elsewhere), det('b', 0, 0.7, C)],
        // recall 0.5 at precision 1, then recall 1 at precision 2/3
        want: { map: 0.5 + 0.5 * (2 / 3), aps: [0.5 + 0.5 * (2 / 3)], precision: 2 / 3, recall: 1, f1: 0.8 },
      },
    ],
    [
      'one false negative',
      {
        gts: [gt('a', 0, A), gt('b', 0, C)],
        dets: [det('a', 0, 0.9, A)],
        want: { map: 0.5, aps: [0.5], precision: 1, recall: 0.5, f1: 2 / 3 },
      },
    ],
    [
      'a duplicate is a false positive but costs no AP once recall is complete',
      {
        gts: [gt('a', 0, A)],
        dets: [det('a', 0, 0.9, A), det('a', 0, 0.8, A)],
        want: { map: 1, aps: [1], precision: 0.5, recall: 1, f1: 2 / 3 },
      },
    ],
    [
      'the right box with the wrong class finds nothing',
      {
        gts: [gt('a', 0, A)],
        dets: [det('a', 1, 0.9, A)],
        want: { map: 0, aps: [0, null], precision: 0, recall: 0, f1: 0 },
      },
    ],
    [
      'the right box in the wrong image finds nothing',
      {
        gts: [gt('a', 0, A)],
        dets: [det('b', 0, 0.9, A)],
        want: { map: 0, aps: [0], precision: 0, recall: 0, f1: 0 },
      },
    ],
    [
      'IoU exactly at the threshold counts with >=',
      {
        gts: [gt('a', 0, A)],
        dets: [det('a', 0, 0.9, box(0, 0, 10, 5))],
        options: { iouThreshold: 0.5 },
        want: { map: 1, aps: [1], precision: 1, recall: 1, f1: 1 },
      },
    ],
    [
      'IoU exactly at the threshold does not count with strict >',
      {
        gts: [gt('a', 0, A)],
        dets: [det('a', 0, 0.9, box(0, 0, 10, 5))],
        options: { iouThreshold: 0.5, strict: true },
        want: { map: 0, aps: [0], precision: 0, recall: 0, f1: 0 },
      },
    ],
    [
      'a hit below the confidence threshold counts for AP only',
      {
        gts: [gt('a', 0, A), gt('a', 0, B)],
        dets: [det('a', 0, 0.9, A), det('a', 0, 0.2, B)],
        options: { confidenceThreshold: 0.5 },
        want: { map: 1, aps: [1], precision: 1, recall: 0.5, f1: 2 / 3 },
      },
    ],
    [
      'a listed class without ground truth reports null and stays out of the mean',
      {
        gts: [gt('a', 0, A)],
        dets: [det('a', 0, 0.9, A)],
        options: { classIds: [0, 1, 2] },
        want: { map: 1, aps: [1, null, null], precision: 1, recall: 1, f1: 1 },
      },
    ],
    ['nothing at all', { gts: [], dets: [], want: { map: 0, aps: [], precision: 0, recall: 0, f1: 0 } }],
  ];

  it.each(cases)('%s', (_name, { gts, dets, options, want }) => {
    const result = evaluateDetections(gts, dets, options);
    expect(result.meanAveragePrecision).toBeCloseTo(want.map, 10);
    expect(result.classes.map((c) => c.averagePrecision)).toEqual(
      want.aps.map((a) => (a === null ? null : expect.closeTo(a, 10))),
    );
    expect(result.atThreshold.precision).toBeCloseTo(want.precision, 10);
    expect(result.atThreshold.recall).toBeCloseTo(want.recall, 10);
    expect(result.atThreshold.f1).toBeCloseTo(want.f1, 10);
  });

  it('counts true positives, false positives and false negatives at the threshold', () => {
    const result = evaluateDetections(
      [gt('a', 0, A), gt('a', 0, B)],
      [det('a', 0, 0.9, A), det('a', 0, 0.8, elsewhere)],
      {
        confidenceThreshold: 0.75,
      },
    );
    expect(result.atThreshold).toMatchObject({
      confidenceThreshold: 0.75,
      truePositives: 1,
      falsePositives: 1,
      falseNegatives: 1,
    });
    expect(result.classes).toEqual([{ classId: 0, averagePrecision: 0.5, groundTruths: 2, detections: 2 }]);
  });

  it.each([
    ['iouThreshold', { iouThreshold: 1.5 }],
    ['confidenceThreshold', { confidenceThreshold: -0.1 }],
    ['iouThreshold', { iouThreshold: Number.NaN }],
  ] as const)('rejects an out-of-range %s', (field, options) => {
    expect(() => evaluateDetections([], [], options)).toThrow(new RegExp(`between 0 and 1 for ${field}`));
  });
});

describe('averagePrecision', () => {
  const cases: Array<[string, { flags: boolean[]; groundTruths: number; want: number }]> = [
    ['no detections', { flags: [], groundTruths: 3, want: 0 }],
    ['miss then hit', { flags: [false, true], groundTruths: 1, want: 0.5 }],
    [
      'hit, miss, hit, of 3',
      { flags: [true, false, true], groundTruths: 3, want: 1 / 3 + (1 / 3) * (2 / 3) },
    ],
    ['all hits, half the ground truths', { flags: [true, true], groundTruths: 4, want: 0.5 }],
    // the interpolation lifts the dip: precision 1/2 at recall 2/3 becomes the 3/5 reached later
    [
      'hit, miss, miss, hit, hit of 3',
      { flags: [true, false, false, true, true], groundTruths: 3, want: 1 / 3 + (2 / 3) * 0.6 },
    ],
  ];

  it.each(cases)('%s', (_name, { flags, groundTruths, want }) => {
    expect(averagePrecision(flags, groundTruths)).toBeCloseTo(want, 10);
  });

  it('rejects a ground-truth count that is not a positive integer', () => {
    expect(() => averagePrecision([true], 0)).toThrow(ChipqError);
  });
});
