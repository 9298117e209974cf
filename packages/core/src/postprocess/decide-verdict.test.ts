import { describe, expect, it } from 'vitest';
import { decideVerdict, type VerdictRuleId, type VerdictStatus } from './decide-verdict.js';
import type { Detection } from './detection.js';
import { candidateFloor, resolveVerdictRules, type VerdictRules } from './verdict-rules.js';

/** A detection of `className` with a `size`-pixel square box. */
function det(className: string, confidence: number, size = 20): Detection {
  return { classId: 0, className, confidence, box: { x1: 0, y1: 0, x2: size, y2: size } };
}

describe('decideVerdict', () => {
  const cases: Array<
    [
      string,
      {
        given: { detections: Detection[]; rules?: VerdictRules };
        want: { status: VerdictStatus; rule: VerdictRuleId; score?: number };
      },
    ]
  > = [
    [
      'nothing detected',
      { given: { detections: [] }, want: { status: 'PASS', rule: 'no-defects', score: 1 } },
    ],
    [
      'a killer class fails first',
      {
        given: {
          detections: [det('short', 0.8)],
          rules: { killerClasses: ['short'], defaultSeverity: 'low' },
        },
        want: { status: 'FAIL', rule: 'killer-class' },
      },
    ],
    [
      'a per-class killer flag',
      {
        given: {
          detections: [det('open', 0.8)],
          rules: { defaultSeverity: 'low', classes: { open: { killer: true } } },
        },
        want: { status: 'FAIL', rule: 'killer-class' },
      },
    ],
    [
      'a critical defect fails',
      {
        given: { detections: [det('crack', 0.76)], rules: { classes: { crack: { severity: 'critical' } } } },
        want: { status: 'FAIL', rule: 'critical-defect' },
      },
    ],
    [
      'too many counted defects',
      {
        given: {
          detections: [det('spur', 0.8), det('spur', 0.8)],
          rules: { defaultSeverity: 'low', maxDefects: 1 },
        },
        want: { status: 'FAIL', rule: 'max-defects' },
      },
    ],
    [
      'one confident high-severity defect scores below 0.75',
      {
        given: { detections: [det('mousebite', 0.8)] },
        want: { status: 'FAIL', rule: 'score-below-pass', score: 0.6 },
      },
    ],
    [
      'a low-severity defect passes within tolerance',
      {
        given: { detections: [det('spur', 0.8)], rules: { defaultSeverity: 'low' } },
        want: { status: 'PASS', rule: 'within-tolerance', score: 0.92 },
      },
    ],
    [
      'medium defects add up to a fail',
      {
        given: { detections: [det('spur', 1), det('spur', 1)], rules: { defaultSeverity: 'medium' } },
        want: { status: 'FAIL', rule: 'score-below-pass', score: 0.5625 },
      },
    ],
    [
      'a detection in the review band',
      {
        given: { detections: [det('spur', 0.65)] },
        want: { status: 'REVIEW', rule: 'review-band', score: 1 },
      },
    ],
    [
      'the band starts exactly at threshold - band',
      {
        given: { detections: [det('spur', 0.6)], rules: { confidenceThreshold: 0.7, reviewBand: 0.1 } },
        want: { status: 'REVIEW', rule: 'review-band' },
      },
    ],
    [
      'a fail outranks a review',
      {
        given: { detections: [det('spur', 0.65), det('short', 0.9)], rules: { killerClasses: ['short'] } },
        want: { status: 'FAIL', rule: 'killer-class' },
      },
    ],
    [
      'review outranks a tolerated defect',
      {
        given: { detections: [det('spur', 0.65), det('spur', 0.9)], rules: { defaultSeverity: 'low' } },
        want: { status: 'REVIEW', rule: 'review-band' },
      },
    ],
    [
      'below the band is ignored',
      {
        given: { detections: [det('spur', 0.5)] },
        want: { status: 'PASS', rule: 'min-confidence', score: 1 },
      },
    ],
    [
      'review band 0 disables REVIEW',
      {
        given: { detections: [det('spur', 0.74)], rules: { reviewBand: 0 } },
        want: { status: 'PASS', rule: 'min-confidence' },
      },
    ],
    [
      'a per-class minimum confidence',
      {
        given: {
          detections: [det('spur', 0.8)],
          rules: { classes: { spur: { minConfidence: 0.99 } }, reviewBand: 0.1 },
        },
        want: { status: 'PASS', rule: 'min-confidence' },
      },
    ],
    [
      'too small to count',
      {
        given: { detections: [det('short', 0.99, 3)], rules: { minBoxSize: 4, killerClasses: ['short'] } },
        want: { status: 'PASS', rule: 'min-box-size' },
      },
    ],
    [
      'a per-class minimum size, longer side decides',
      {
        given: {
          detections: [{ ...det('scratch', 0.9), box: { x1: 0, y1: 0, x2: 1, y2: 30 } }],
          rules: { classes: { scratch: { minBoxSize: 25, severity: 'critical' } } },
        },
        want: { status: 'FAIL', rule: 'critical-defect' },
      },
    ],
    [
      'ignored classes do not exist',
      {
        given: { detections: [det('ok', 0.99)], rules: { ignoreClasses: ['ok'] } },
        want: { status: 'PASS', rule: 'no-defects' },
      },
    ],
  ];
  it.each(cases)('%s', (_, { given, want }) => {
    const verdict = decideVerdict(given.detections, resolveVerdictRules(given.rules));
    expect({ status: verdict.status, rule: verdict.rule }).toEqual({ status: want.status, rule: want.rule });
    if (want.score !== undefined) expect(verdict.score).toBeCloseTo(want.score, 10);
    expect(verdict.reason.length).toBeGreaterThan(0);
  });

  it('lists counted defects with severity and review candidates', () => {
    const verdict = decideVerdict(
      [det('spur', 0.9), det('open', 0.7), det('open', 0.1)],
      resolveVerdictRules({ classes: { spur: { severity: 'low' } } }),
    );
    expect(verdict.counted.map((d) => [d.className, d.severity])).toEqual([['spur', 'low']]);
    expect(verdict.review.map((d) => d.confidence)).toEqual([0.7]);
  });
});

describe('verdict rules', () => {
  const floors: Array<[string, { given: VerdictRules; want: number }]> = [
    ['defaults: 0.75 - 0.15', { given: {}, want: 0.6 }],
    [
      'the lowest class minimum decides',
      { given: { classes: { a: { minConfidence: 0.5 }, b: { severity: 'low' } } }, want: 0.35 },
    ],
    ['never below 0', { given: { confidenceThreshold: 0.1, reviewBand: 0.3 }, want: 0 }],
    ['no band: the threshold', { given: { reviewBand: 0 }, want: 0.75 }],
  ];
  it.each(floors)('candidateFloor: %s', (_, { given, want }) =>
    expect(candidateFloor(resolveVerdictRules(given))).toBeCloseTo(want, 12),
  );

  const rejected: Array<[string, { given: VerdictRules; want: string }]> = [
    ['threshold above 1', { given: { confidenceThreshold: 2 }, want: 'for confidenceThreshold, got 2' }],
    ['negative size', { given: { minBoxSize: -1 }, want: 'for minBoxSize, got -1' }],
    [
      'unknown severity',
      {
        given: { classes: { a: { severity: 'fatal' as 'low' } } },
        want: 'for classes.a.severity, got fatal',
      },
    ],
    ['fractional maxDefects', { given: { maxDefects: 1.5 }, want: 'for maxDefects, got 1.5' }],
  ];
  it.each(rejected)('rejects %s', (_, { given, want }) => {
    expect(() => resolveVerdictRules(given)).toThrow(want);
  });
});
