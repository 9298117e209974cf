/**
 * The quality verdict of one inspection: PASS, FAIL or REVIEW, the id of the rule that decided
 * it, a sentence saying why, and a 0-1 quality score, from the detections and the rules.
 */
import type { Detection } from './detection.js';
import { classRule, type ResolvedVerdictRules, type Severity, severityWeights } from './verdict-rules.js';

export type VerdictStatus = 'PASS' | 'FAIL' | 'REVIEW';

/** Stable ids of the rules, in the order they are tried. */
export const verdictRuleIds = [
  // Decided by the inspector's image gate before these rules are consulted (gate-verdict.ts).
  'image-quality',
  'killer-class',
  'critical-defect',
  'max-defects',
  'score-below-pass',
  'review-band',
  'within-tolerance',
  'min-confidence',
  'min-box-size',
  'no-defects',
] as const;
export type VerdictRuleId = (typeof verdictRuleIds)[number];

/** A detection that counts as a defect, with its class's severity. */
export type CountedDefect = Detection & { severity: Severity };

export interface Verdict {
  status: VerdictStatus;
  rule: VerdictRuleId;
  reason: string;
  /** 1 with no counted defects; each lowers it by a factor `1 - weight(severity) * confidence`. */
  score: number;
  /** Detections that count as defects (at or above their class's minimum confidence and size). */
  counted: CountedDefect[];
  /** Detections in the review band (below the minimum confidence by at most `reviewBand`). */
  review: Detection[];
}

function longerSide(d: Detection): number {
  return Math.max(d.box.x2 - d.box.x1, d.box.y2 - d.box.y1);
}

function round(value: number): string {
  return value.toFixed(2);
}

/**
 * Judges detections (as postprocessed with `minConfidence: candidateFloor(rules)`). Detections of
 * `ignoreClasses` are dropped; the rest are counted (confidence and size reach their class's
 * minimums), in review (size reached, confidence within `reviewBand` below the minimum) or
 * ignored. The first matching rule decides:
 * 1. `killer-class` FAIL: a counted defect of a killer class;
 * 2. `critical-defect` FAIL: a counted defect of severity critical;
 * 3. `max-defects` FAIL: more counted defects than `maxDefects`;
 * 4. `score-below-pass` FAIL: quality score below `passScore`;
 * 5. `review-band` REVIEW: a detection in the review band;
 * 6. `within-tolerance` PASS: counted defects whose score still passes;
 * 7. `min-confidence` PASS: detections, but one or more below every band;
 * 8. `min-box-size` PASS: detections, but all too small;
 * 9. `no-defects` PASS: nothing detected.
 */
export function decideVerdict(detections: readonly Detection[], rules: ResolvedVerdictRules): Verdict {
  const counted: CountedDefect[] = [];
  const review: Detection[] = [];
  let lowConfidence = 0;
  let small = 0;
  for (const d of detections) {
    if (rules.ignoreClasses.includes(d.className)) continue;
    const rule = classRule(rules, d.className);
    if (longerSide(d) < rule.minBoxSize) small++;
    else if (d.confidence >= rule.minConfidence) counted.push({ ...d, severity: rule.severity });
    else if (d.confidence >= rule.minConfidence - rules.reviewBand && rules.reviewBand > 0) review.push(d);
    else lowConfidence++;
  }
  const score = counted.reduce((s, d) => s * (1 - severityWeights[d.severity] * d.confidence), 1);
  const verdict = (status: VerdictStatus, rule: VerdictRuleId, reason: string): Verdict => ({
    status,
    rule,
    reason,
    score,
    counted,
    review,
  });

  const killer = counted.find((d) => classRule(rules, d.className).killer);
  if (killer)
    return verdict(
      'FAIL',
      'killer-class',
      `${killer.className} is a killer defect (confidence ${round(killer.confidence)})`,
    );
  const critical = counted.find((d) => d.severity === 'critical');
  if (critical)
    return verdict(
      'FAIL',
      'critical-defect',
      `${critical.className} is a critical defect (confidence ${round(critical.confidence)})`,
    );
  if (counted.length > rules.maxDefects)
    return verdict(
      'FAIL',
      'max-defects',
      `${counted.length} defects found, at most ${rules.maxDefects} allowed`,
    );
  if (score < rules.passScore) {
    return verdict(
      'FAIL',
      'score-below-pass',
      `quality score ${round(score)} is below the pass score ${round(rules.passScore)} (${counted.length} defects)`,
    );
  }
  if (review.length > 0)
    return verdict(
      'REVIEW',
      'review-band',
      `${review.length} detections are just below the confidence threshold and need a human look`,
    );
  if (counted.length > 0)
    return verdict(
      'PASS',
      'within-tolerance',
      `${counted.length} minor defects; quality score ${round(score)} passes`,
    );
  if (lowConfidence > 0)
    return verdict('PASS', 'min-confidence', `${lowConfidence} detections are below the minimum confidence`);
  if (small > 0)
    return verdict('PASS', 'min-box-size', `${small} detections are smaller than the minimum defect size`);
  return verdict('PASS', 'no-defects', 'no defects found');
}
