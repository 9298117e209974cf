/**
 * Scores one version's answers on a golden set: recall (expected defects found), precision
 * (reported defects that were expected), verdict agreement, and the cases that fail (a missed
 * or extra defect, or a wrong verdict), using the same matching as the evaluation command.
 */
import { matchDetections } from '@chipq/core/evaluation';
import type { GoldenCase, GoldenPolicy } from './golden-manifest.js';

export interface CaseAnswer {
  detections: Array<{
    classId: number;
    confidence: number;
    box: { x1: number; y1: number; x2: number; y2: number };
  }>;
  verdict: string;
}

interface FailingCase {
  case: string;
  missed: number;
  extra: number;
  expected_verdict: string;
  verdict: string;
}

export interface GoldenScore {
  cases: number;
  recall: number;
  precision: number;
  verdict_agreement: number;
  expected_defects: number;
  reported_defects: number;
  matched_defects: number;
  failing_cases: FailingCase[];
}

export function scoreGoldenSet(
  cases: readonly GoldenCase[],
  answers: readonly CaseAnswer[],
  policy: Pick<GoldenPolicy, 'iou' | 'iou_strict'>,
): GoldenScore {
  let expected = 0;
  let reported = 0;
  let matched = 0;
  let agree = 0;
  const failing: FailingCase[] = [];
  cases.forEach((golden, i) => {
    const answer = answers[i] as CaseAnswer;
    const matches = matchDetections(
      golden.expected.map((e) => ({ imageId: golden.id, classId: e.classId, box: e.box })),
      answer.detections.map((d) => ({ imageId: golden.id, ...d })),
      { iouThreshold: policy.iou, strict: policy.iou_strict },
    );
    const found = matches.filter((m) => m.truePositive).length;
    expected += golden.expected.length;
    reported += answer.detections.length;
    matched += found;
    if (answer.verdict === golden.expectedVerdict) agree += 1;
    const missed = golden.expected.length - found;
    const extra = answer.detections.length - found;
    if (missed > 0 || extra > 0 || answer.verdict !== golden.expectedVerdict)
      failing.push({
        case: golden.id,
        missed,
        extra,
        expected_verdict: golden.expectedVerdict,
        verdict: answer.verdict,
      });
  });
  return {
    cases: cases.length,
    // Nothing expected and nothing missed: perfect recall; nothing reported: perfect precision.
    recall: expected === 0 ? 1 : matched / expected,
    precision: reported === 0 ? 1 : matched / reported,
    verdict_agreement: cases.length === 0 ? 1 : agree / cases.length,
    expected_defects: expected,
    reported_defects: reported,
    matched_defects: matched,
    failing_cases: failing,
  };
}
