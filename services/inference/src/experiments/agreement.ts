/**
 * How much two arms agree on the same images (shadow mode): verdict agreement and flips, and
 * defects matched one to one by class and IoU (greedy by confidence, as the evaluation matches
 * detections to ground truth), counted per class.
 */
import { type EvaluationBox, type GroundTruth, matchDetections } from '@chipq/core/evaluation';

interface ComparedDefect {
  classId: number;
  defectType: string;
  confidence: number;
  /** Image pixels, top-left and size, as stored. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ComparedImage {
  /** The answered result's id. */
  inferenceId: string;
  controlVerdict: string | null;
  shadowVerdict: string | null;
  control: readonly ComparedDefect[];
  shadow: readonly ComparedDefect[];
}

interface ClassAgreement {
  defect_type: string;
  matched: number;
  only_control: number;
  only_shadow: number;
}

export interface ArmAgreement {
  images: number;
  verdicts_agree: number;
  /** `"FAIL->PASS": n`: control verdict, then the shadow's. */
  verdict_flips: Record<string, number>;
  /** Up to `maxExamples` flipped images per flip kind, by the answered result's id. */
  flip_examples: Record<string, string[]>;
  defects: { matched: number; only_control: number; only_shadow: number; by_class: ClassAgreement[] };
}

const toBox = (d: ComparedDefect): EvaluationBox => ({
  x1: d.x,
  y1: d.y,
  x2: d.x + d.width,
  y2: d.y + d.height,
});

export function compareArms(
  images: readonly ComparedImage[],
  options: { iouThreshold: number; maxExamples?: number },
): ArmAgreement {
  const maxExamples = options.maxExamples ?? 5;
  const flips: Record<string, number> = {};
  const examples: Record<string, string[]> = {};
  const byClass = new Map<number, ClassAgreement>();
  const classRow = (classId: number, defectType: string) => {
    let row = byClass.get(classId);
    if (row === undefined) {
      row = { defect_type: defectType, matched: 0, only_control: 0, only_shadow: 0 };
      byClass.set(classId, row);
    }
    return row;
  };
  let agree = 0;
  for (const image of images) {
    if (image.controlVerdict === image.shadowVerdict) agree += 1;
    else {
      const kind = `${image.controlVerdict ?? 'none'}->${image.shadowVerdict ?? 'none'}`;
      flips[kind] = (flips[kind] ?? 0) + 1;
      const list = examples[kind] ?? [];
      if (list.length < maxExamples) examples[kind] = [...list, image.inferenceId];
    }
    const names = new Map([...image.control, ...image.shadow].map((d) => [d.classId, d.defectType]));
    // The control's defects play the ground truth; the shadow's are matched against them.
    const matches = matchDetections(
      image.control.map((d): GroundTruth => ({ imageId: '', classId: d.classId, box: toBox(d) })),
      image.shadow.map((d) => ({ imageId: '', classId: d.classId, confidence: d.confidence, box: toBox(d) })),
      { iouThreshold: options.iouThreshold },
    );
    for (const { detection, truePositive } of matches) {
      const row = classRow(detection.classId, names.get(detection.classId) ?? String(detection.classId));
      if (truePositive) row.matched += 1;
      else row.only_shadow += 1;
    }
    for (const d of image.control) classRow(d.classId, d.defectType).only_control += 1;
    // Every matched shadow defect took one control defect of its class.
    for (const { detection, truePositive } of matches)
      if (truePositive) classRow(detection.classId, '').only_control -= 1;
  }
  const rows = [...byClass.entries()].sort(([a], [b]) => a - b).map(([, row]) => row);
  const sum = (key: 'matched' | 'only_control' | 'only_shadow') => rows.reduce((s, r) => s + r[key], 0);
  return {
    images: images.length,
    verdicts_agree: agree,
    verdict_flips: flips,
    flip_examples: examples,
    defects: {
      matched: sum('matched'),
      only_control: sum('only_control'),
      only_shadow: sum('only_shadow'),
      by_class: rows,
    },
  };
}
