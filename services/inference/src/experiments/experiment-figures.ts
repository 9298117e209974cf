/**
 * Turns an experiment's aggregated counts into what GET /experiments/{id} shows: per-arm
 * figures, each proportion with its Wilson interval, every non-control arm compared with the
 * control (difference, Newcombe interval, test, and whether there is enough data), and in
 * shadow mode the agreement between each shadow arm and the answer on the same images.
 */
import type {
  ArmClassCounts,
  ArmCounts,
  ShadowPair,
  StoredExperiment,
} from '../repositories/experiment-repository.js';
import { type ArmAgreement, compareArms } from './agreement.js';
import {
  type ArmProportion,
  compareProportions,
  mcnemarExactTest,
  type ProportionComparison,
  proportion,
} from './statistics.js';

const verdicts = ['PASS', 'FAIL', 'REVIEW'] as const;

interface ArmFigures {
  name: string;
  version: string;
  role: 'control' | 'treatment' | 'shadow';
  /** answered: results returned to callers; shadow: runs after the answer, never returned. */
  served: 'answered' | 'shadow';
  requests: number;
  completed: number;
  failed: number;
  /** Distinct lots, wafers or results the arm served (by the experiment's unit). */
  units: number;
  error_rate: ArmProportion;
  verdicts: Record<(typeof verdicts)[number], ArmProportion>;
  /** Per class: completed results with at least one defect of it, and its detections. */
  defects_by_class: Array<{
    class_id: number;
    defect_type: string;
    detections: number;
    image_rate: ArmProportion;
  }>;
  latency_ms: { p50: number | null; p95: number | null };
}

interface ArmComparison extends ProportionComparison {
  arm: string;
  against: string;
  /** fail_rate, review_rate, error_rate, or defect_rate:<class>. */
  metric: string;
}

interface ShadowAgreement extends ArmAgreement {
  arm: string;
  against: string;
  verdict_agreement: ArmProportion;
  /** FAIL decided differently on the same images: McNemar's exact test on the discordant pairs. */
  fail_flip_test: {
    control_only: number;
    shadow_only: number;
    p_value: number;
    significant: boolean;
    conclusion: string;
  };
  /** True when more completed pairs existed than were compared (the newest were). */
  truncated: boolean;
}

export interface ExperimentFigures {
  arms: ArmFigures[];
  comparisons: ArmComparison[];
  agreement: ShadowAgreement[];
}

export function experimentFigures(
  experiment: StoredExperiment,
  answered: { arms: ArmCounts[]; classes: ArmClassCounts[] },
  shadow: { arms: ArmCounts[]; classes: ArmClassCounts[] } | undefined,
  pairs: ShadowPair[] | undefined,
  maxPairs: number,
): ExperimentFigures {
  const arms = experiment.arms.map((arm): ArmFigures => {
    const fromShadow = arm.role === 'shadow';
    const source = fromShadow ? shadow : answered;
    const counts = source?.arms.find((c) => c.arm === arm.name);
    const classes = (source?.classes ?? [])
      .filter((c) => c.arm === arm.name)
      .sort((a, b) => a.class_id - b.class_id);
    const completed = counts?.completed ?? 0;
    const requests = counts?.requests ?? 0;
    return {
      name: arm.name,
      version: arm.version,
      role: arm.role,
      served: fromShadow ? 'shadow' : 'answered',
      requests,
      completed,
      failed: counts?.failed ?? 0,
      units: counts?.units ?? 0,
      error_rate: proportion(counts?.failed ?? 0, requests),
      verdicts: {
        PASS: proportion(counts?.pass ?? 0, completed),
        FAIL: proportion(counts?.fail ?? 0, completed),
        REVIEW: proportion(counts?.review ?? 0, completed),
      },
      defects_by_class: classes.map((c) => ({
        class_id: c.class_id,
        defect_type: c.defect_type,
        detections: c.detections,
        image_rate: proportion(c.images, completed),
      })),
      latency_ms: { p50: counts?.latency_p50_ms ?? null, p95: counts?.latency_p95_ms ?? null },
    };
  });

  const control = arms.find((arm) => arm.role === 'control');
  const comparisons: ArmComparison[] = [];
  if (control !== undefined) {
    for (const arm of arms) {
      if (arm === control) continue;
      const compare = (metric: string, a: ArmProportion, b: ArmProportion) =>
        comparisons.push({
          arm: arm.name,
          against: control.name,
          metric,
          ...compareProportions(a, b),
        });
      compare('fail_rate', control.verdicts.FAIL, arm.verdicts.FAIL);
      compare('review_rate', control.verdicts.REVIEW, arm.verdicts.REVIEW);
      compare('error_rate', control.error_rate, arm.error_rate);
      const classIds = new Set([...control.defects_by_class, ...arm.defects_by_class].map((c) => c.class_id));
      for (const classId of [...classIds].sort((a, b) => a - b)) {
        const mine = arm.defects_by_class.find((c) => c.class_id === classId);
        const theirs = control.defects_by_class.find((c) => c.class_id === classId);
        const name = mine?.defect_type ?? theirs?.defect_type ?? String(classId);
        compare(
          `defect_rate:${name}`,
          theirs?.image_rate ?? proportion(0, control.completed),
          mine?.image_rate ?? proportion(0, arm.completed),
        );
      }
    }
  }

  const agreement: ShadowAgreement[] = [];
  if (pairs !== undefined && control !== undefined) {
    for (const arm of arms.filter((a) => a.role === 'shadow')) {
      const mine = pairs.filter((p) => p.arm === arm.name);
      const compared = compareArms(
        mine.map((p) => ({
          inferenceId: p.inference_id,
          controlVerdict: p.control_verdict,
          shadowVerdict: p.shadow_verdict,
          control: p.control_detections.map(toCompared),
          shadow: p.shadow_detections.map(toCompared),
        })),
        { iouThreshold: experiment.match_iou },
      );
      const controlOnly = mine.filter(
        (p) => p.control_verdict === 'FAIL' && p.shadow_verdict !== 'FAIL',
      ).length;
      const shadowOnly = mine.filter(
        (p) => p.control_verdict !== 'FAIL' && p.shadow_verdict === 'FAIL',
      ).length;
      const pValue = mcnemarExactTest(controlOnly, shadowOnly);
      const enough = mine.length >= 30;
      agreement.push({
        arm: arm.name,
        against: control.name,
        ...compared,
        verdict_agreement: proportion(compared.verdicts_agree, compared.images),
        fail_flip_test: {
          control_only: controlOnly,
          shadow_only: shadowOnly,
          p_value: pValue,
          significant: enough && pValue < 0.05,
          conclusion: !enough
            ? `not enough data: at least 30 compared images are needed (${mine.length} so far)`
            : pValue < 0.05
              ? `the arms decide FAIL differently (McNemar p = ${pValue.toPrecision(2)} < 0.05)`
              : `no significant difference in FAIL decisions (McNemar p = ${pValue.toPrecision(2)})`,
        },
        truncated: pairs.length >= maxPairs,
      });
    }
  }
  return { arms, comparisons, agreement };
}

function toCompared(d: ShadowPair['control_detections'][number]) {
  return {
    classId: d.class_id,
    defectType: d.defect_type,
    confidence: d.confidence,
    x: d.x,
    y: d.y,
    width: d.width,
    height: d.height,
  };
}
