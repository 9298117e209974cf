/**
 * The three scopes and what each grants. `admin` grants everything (model management, keys);
 * `infer` grants predict and batches and reading results back; `read` grants reads only.
 */
import type { Scope } from '../db/database.js';

export type { Scope };
export const scopes = ['read', 'infer', 'admin'] as const satisfies readonly Scope[];

const grantedBy: Record<Scope, readonly Scope[]> = {
  read: ['read', 'infer', 'admin'],
  infer: ['infer', 'admin'],
  admin: ['admin'],
};

/** True when a key holding `held` may do what needs `needed`. */
export function grants(held: readonly Scope[], needed: Scope): boolean {
  return held.some((scope) => grantedBy[needed].includes(scope));
}
