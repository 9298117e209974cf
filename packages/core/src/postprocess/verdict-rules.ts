/**
 * The quality rules an inspection is judged by, their defaults and their one-time check. The
 * rules themselves are applied by `decideVerdict`; `candidateFloor` tells postprocessing how far
 * below the threshold to keep candidates so the review band can see them.
 */
import { ChipqError } from '../errors.js';

/** The platform's defect severity vocabulary (PLATFORM-CONTRACTS.md). */
export type Severity = 'low' | 'medium' | 'high' | 'critical';
export const severities: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/** How much one defect of each severity lowers the quality score, at confidence 1. */
export const severityWeights: Readonly<Record<Severity, number>> = {
  low: 0.1,
  medium: 0.25,
  high: 0.5,
  critical: 1,
};

/** Overrides for one class, by class name. */
export interface ClassRule {
  /** Confidence from which a detection counts. Default: `confidenceThreshold`. */
  minConfidence?: number;
  /** Pixels the box's longer side must reach to count. Default: `minBoxSize`. */
  minBoxSize?: number;
  /** Default: `defaultSeverity`. */
  severity?: Severity;
  /** Any counted detection of this class fails the inspection. Default: listed in `killerClasses`. */
  killer?: boolean;
}

export interface VerdictRules {
  /** Confidence from which a detection counts as a defect. Default 0.75 (platform threshold). */
  confidenceThreshold?: number;
  /** Width of the review band below each class's minimum confidence. Default 0.15; 0 disables REVIEW. */
  reviewBand?: number;
  /** Pixels (original image) the longer box side must reach; smaller detections are ignored. Default 0. */
  minBoxSize?: number;
  /** Severity of classes without their own. Default `high`: one confident defect fails. */
  defaultSeverity?: Severity;
  /** Class names whose counted detections fail the inspection outright. Default none. */
  killerClasses?: readonly string[];
  /** Class names that mean "no defect" (e.g. a classifier's `ok`); their detections are ignored. Default none. */
  ignoreClasses?: readonly string[];
  /** Most counted defects an inspection may have and still pass. Default: no limit. */
  maxDefects?: number;
  /** Lowest quality score that passes. Default 0.75 (platform rule). */
  passScore?: number;
  /** Per-class overrides by class name. */
  classes?: Readonly<Record<string, ClassRule>>;
}

export interface ResolvedClassRule {
  minConfidence: number;
  minBoxSize: number;
  severity: Severity;
  killer: boolean;
}

export interface ResolvedVerdictRules {
  confidenceThreshold: number;
  reviewBand: number;
  minBoxSize: number;
  defaultSeverity: Severity;
  killerClasses: readonly string[];
  ignoreClasses: readonly string[];
  maxDefects: number;
  passScore: number;
  classes: Readonly<Record<string, ClassRule>>;
}

function check(ok: boolean, field: string, expected: string, value: unknown): void {
  if (!ok)
    throw new ChipqError('INVALID_INPUT', `expected ${expected} for ${field}, got ${String(value)}`, {
      details: { field },
    });
}

function checkUnit(field: string, value: number): void {
  check(value >= 0 && value <= 1, field, 'a number between 0 and 1', value);
}

function checkSeverity(field: string, value: string): void {
  check(severities.includes(value as Severity), field, `one of ${severities.join(', ')}`, value);
}

/** Fills defaults and validates once; throws ChipqError('INVALID_INPUT') naming the field. */
export function resolveVerdictRules(rules: VerdictRules = {}): ResolvedVerdictRules {
  const resolved: ResolvedVerdictRules = {
    confidenceThreshold: rules.confidenceThreshold ?? 0.75,
    reviewBand: rules.reviewBand ?? 0.15,
    minBoxSize: rules.minBoxSize ?? 0,
    defaultSeverity: rules.defaultSeverity ?? 'high',
    killerClasses: [...(rules.killerClasses ?? [])],
    ignoreClasses: [...(rules.ignoreClasses ?? [])],
    maxDefects: rules.maxDefects ?? Number.POSITIVE_INFINITY,
    passScore: rules.passScore ?? 0.75,
    classes: { ...rules.classes },
  };
  checkUnit('confidenceThreshold', resolved.confidenceThreshold);
  checkUnit('reviewBand', resolved.reviewBand);
  checkUnit('passScore', resolved.passScore);
  check(resolved.minBoxSize >= 0, 'minBoxSize', 'a number >= 0', resolved.minBoxSize);
  check(
    resolved.maxDefects >= 0 &&
      (Number.isInteger(resolved.maxDefects) || resolved.maxDefects === Number.POSITIVE_INFINITY),
    'maxDefects',
    'an integer >= 0',
    resolved.maxDefects,
  );
  checkSeverity('defaultSeverity', resolved.defaultSeverity);
  for (const [name, rule] of Object.entries(resolved.classes)) {
    if (rule.minConfidence !== undefined) checkUnit(`classes.${name}.minConfidence`, rule.minConfidence);
    if (rule.minBoxSize !== undefined)
      check(rule.minBoxSize >= 0, `classes.${name}.minBoxSize`, 'a number >= 0', rule.minBoxSize);
    if (rule.severity !== undefined) checkSeverity(`classes.${name}.severity`, rule.severity);
  }
  return resolved;
}

/** The rule that applies to `className`, every field filled. */
export function classRule(rules: ResolvedVerdictRules, className: string): ResolvedClassRule {
  const own = rules.classes[className];
  return {
    minConfidence: own?.minConfidence ?? rules.confidenceThreshold,
    minBoxSize: own?.minBoxSize ?? rules.minBoxSize,
    severity: own?.severity ?? rules.defaultSeverity,
    killer: own?.killer ?? rules.killerClasses.includes(className),
  };
}

/**
 * The lowest confidence the verdict can use: the smallest minimum confidence of any class minus
 * the review band (never below 0). Pass it as postprocessing's `minConfidence` so candidates in
 * the review band reach `decideVerdict`.
 */
export function candidateFloor(rules: ResolvedVerdictRules): number {
  const minimums = Object.values(rules.classes).map((r) => r.minConfidence ?? rules.confidenceThreshold);
  return Math.max(0, Math.min(rules.confidenceThreshold, ...minimums) - rules.reviewBand);
}
