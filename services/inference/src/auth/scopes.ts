/**
 * The four scopes and what each grants. `admin` grants everything (model management, keys);
 * `infer` grants predict and batches and reading results back; `review` grants judging stored
 * results (human review) and reading; `read` grants reads only. Review is its own scope, not
 * part of `infer`: the machines that send images must not be able to write the ground truth
 * their model is measured against, and an operator's key need not be able to inspect.
 */
import type { Scope } from '../db/database.js';

export type { Scope };
export const scopes = ['read', 'infer', 'review', 'admin'] as const satisfies readonly Scope[];

const grantedBy: Record<Scope, readonly Scope[]> = {
  read: ['read', 'infer', 'review', 'admin'],
  infer: ['infer', 'admin'],
  review: ['review', 'admin'],
  admin: ['admin'],
};

/** True when a key holding `held` may do what needs `needed`. */
export function grants(held: readonly Scope[], needed: Scope): boolean {
  return held.some((scope) => grantedBy[needed].includes(scope));
}
