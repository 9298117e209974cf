/**
 * Which split arm serves a unit: a stable hash of (experiment id, unit value) mapped onto the
 * arms' cumulative weights. Stable across replicas and restarts (no state, no randomness), so a
 * wafer is always served by the same arm; salted by the experiment so a lot that landed on the
 * treatment in one experiment is not on it in every experiment.
 */
import { createHash } from 'node:crypto';

export interface WeightedArm {
  name: string;
  weight: number;
}

/** A number in [0, 1) from the first 48 bits of SHA-256(experiment id, NUL, unit). */
export function unitPoint(experimentId: string, unit: string): number {
  const digest = createHash('sha256').update(experimentId).update('\u0000').update(unit).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The arm whose share of the weights contains the unit's point; arms of weight 0 never serve. */
export function assignArm<A extends WeightedArm>(arms: readonly A[], experimentId: string, unit: string): A {
  const total = arms.reduce((sum, arm) => sum + arm.weight, 0);
  if (total <= 0) throw new Error('an experiment needs a positive total weight');
  const target = unitPoint(experimentId, unit) * total;
  let cumulative = 0;
  for (const arm of arms) {
    cumulative += arm.weight;
    if (arm.weight > 0 && target < cumulative) return arm;
  }
  // Unreachable: target < total. Kept for the type checker.
  return arms.findLast((arm) => arm.weight > 0) as A;
}
