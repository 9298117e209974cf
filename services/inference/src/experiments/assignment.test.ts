import { describe, expect, it } from 'vitest';
import { assignArm, unitPoint } from './assignment.js';

describe('assignArm', () => {
  const arms = [
    { name: 'a', weight: 50 },
    { name: 'b', weight: 50 },
  ];

  it('is stable: the same unit of the same experiment always gets the same arm', () => {
    for (let i = 0; i < 50; i += 1) {
      const wafer = `W${i}`;
      expect(assignArm(arms, 'exp-1', wafer)).toBe(assignArm(arms, 'exp-1', wafer));
    }
  });

  it('splits by weight, and never assigns an arm of weight 0', () => {
    const counts = { a: 0, b: 0, c: 0 };
    const weighted = [
      { name: 'a', weight: 90 },
      { name: 'c', weight: 0 },
      { name: 'b', weight: 10 },
    ] as const;
    for (let i = 0; i < 4000; i += 1) counts[assignArm(weighted, 'exp-2', `lot-${i}`).name] += 1;
    expect(counts.c).toBe(0);
    // 4000 draws at 10 %: 400 expected, sd 19; 5 sd either side.
    expect(counts.b).toBeGreaterThan(305);
    expect(counts.b).toBeLessThan(495);
  });

  it('maps points to arms by cumulative weight, salted by the experiment', () => {
    // By hand: point p with weights [1, 3] goes to the first arm iff p * 4 < 1.
    const twoArms = [
      { name: 'a', weight: 1 },
      { name: 'b', weight: 3 },
    ];
    for (const unit of ['x', 'y', 'z', 'w']) {
      const p = unitPoint('exp-3', unit);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(1);
      expect(assignArm(twoArms, 'exp-3', unit).name).toBe(p * 4 < 1 ? 'a' : 'b');
    }
    const differs = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8'].some(
      (u) => unitPoint('exp-a', u) !== unitPoint('exp-b', u),
    );
    expect(differs).toBe(true);
  });
});
