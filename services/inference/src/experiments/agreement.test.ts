import { describe, expect, it } from 'vitest';
import { compareArms } from './agreement.js';

const defect = (classId: number, x: number, confidence = 0.9) => ({
  classId,
  defectType: `class${classId}`,
  confidence,
  x,
  y: 0,
  width: 10,
  height: 10,
});

describe('compareArms', () => {
  it('matches defects by class and IoU and counts verdict flips with examples', () => {
    const result = compareArms(
      [
        {
          inferenceId: 'i1',
          controlVerdict: 'FAIL',
          shadowVerdict: 'FAIL',
          // Same class, shifted by 2 px: IoU 80/120 = 0.667 >= 0.5, matched.
          control: [defect(0, 0)],
          shadow: [defect(0, 2)],
        },
        {
          inferenceId: 'i2',
          controlVerdict: 'FAIL',
          shadowVerdict: 'PASS',
          // Same place, another class: not a match (one only_control, one only_shadow).
          control: [defect(1, 0)],
          shadow: [defect(2, 0)],
        },
        {
          inferenceId: 'i3',
          controlVerdict: 'PASS',
          shadowVerdict: 'PASS',
          // Shifted by 6 px: IoU 40/160 = 0.25 < 0.5, not matched.
          control: [defect(0, 0)],
          shadow: [defect(0, 6)],
        },
      ],
      { iouThreshold: 0.5 },
    );
    expect(result.images).toBe(3);
    expect(result.verdicts_agree).toBe(2);
    expect(result.verdict_flips).toEqual({ 'FAIL->PASS': 1 });
    expect(result.flip_examples).toEqual({ 'FAIL->PASS': ['i2'] });
    expect(result.defects).toEqual({
      matched: 1,
      only_control: 2,
      only_shadow: 2,
      by_class: [
        { defect_type: 'class0', matched: 1, only_control: 1, only_shadow: 1 },
        { defect_type: 'class1', matched: 0, only_control: 1, only_shadow: 0 },
        { defect_type: 'class2', matched: 0, only_control: 0, only_shadow: 1 },
      ],
    });
  });
});
