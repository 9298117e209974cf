/**
 * Which version serves a request that names none, and under which experiment arm: the model's
 * stored default outside experiments; in a split experiment the arm the unit (lot, wafer or
 * request) hashes to; in a shadow experiment the control arm, with the shadow arms to run on
 * the same image after the answer. Read from the database on every request (one round trip),
 * so a new or stopped experiment applies to the next request on every replica.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { readRouting } from '../repositories/experiment-repository.js';
import { assignArm } from './assignment.js';

/** The values a request can be assigned by. `request` is always set (the result's own id). */
export interface AssignmentUnits {
  lotId?: string | undefined;
  waferId?: string | undefined;
  request: string;
}

export interface ShadowArm {
  name: string;
  version: string;
}

export interface Route {
  /** undefined: the inspector's own choice (config.pbtxt's default, else the newest ready). */
  version: string | undefined;
  /** The experiment and arm that serve the request; absent outside experiments. */
  assignment?: { experimentId: string; arm: string } | undefined;
  /** Arms to run after the answer (shadow mode only). */
  shadows?: ShadowArm[] | undefined;
}

export type Router = (model: string, units: AssignmentUnits) => Promise<Route>;

export function createExperimentRouter(db: Kysely<Database>): Router {
  return async (model, units) => {
    const { defaultVersion, experiment } = await readRouting(db, model);
    const fallback: Route = { version: defaultVersion ?? undefined };
    if (experiment === null) return fallback;
    if (experiment.mode === 'shadow') {
      const control = experiment.arms.find((arm) => arm.role === 'control');
      if (control === undefined) return fallback;
      return {
        version: control.version,
        assignment: { experimentId: experiment.id, arm: control.name },
        shadows: experiment.arms
          .filter((arm) => arm.role === 'shadow')
          .map(({ name, version }) => ({ name, version })),
      };
    }
    const unit =
      experiment.unit === 'lot_id'
        ? units.lotId
        : experiment.unit === 'wafer_id'
          ? units.waferId
          : units.request;
    // A request without the unit's value cannot be kept with its lot or wafer: the default
    // serves it, outside the experiment, rather than an arm chosen at random.
    if (unit === undefined || unit === '') return fallback;
    const arm = assignArm(experiment.arms, experiment.id, unit);
    return { version: arm.version, assignment: { experimentId: experiment.id, arm: arm.name } };
  };
}
