/**
 * Experiments on one model: create (arms checked against the repository and the engine), read
 * with per-arm figures and statistics, list, and stop (optionally promoting an arm, through the
 * same gate as any promotion).
 */
import type { Engine } from '@chipq/core';
import { ChipqError } from '@chipq/core';
import { readModelEntry } from '@chipq/core/model-repository';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Audit } from '../repositories/deployment-repository.js';
import {
  type ArmRow,
  answeredArmCounts,
  findExperiment,
  insertExperiment,
  listExperiments,
  lockRunningExperiment,
  markStopped,
  type StoredExperiment,
  shadowArmCounts,
  shadowPairs,
} from '../repositories/experiment-repository.js';
import type { DefaultVersionService } from '../services/default-version-service.js';
import { type ExperimentFigures, experimentFigures } from './experiment-figures.js';

interface ExperimentArmInput {
  name?: string | undefined;
  version: string;
  weight?: number | undefined;
  control?: boolean | undefined;
}

export interface CreateExperimentInput {
  name?: string | undefined;
  description?: string | undefined;
  model: string;
  mode: 'split' | 'shadow';
  unit?: 'lot_id' | 'wafer_id' | 'request' | undefined;
  arms: ExperimentArmInput[];
  matchIou?: number | undefined;
}

export interface ExperimentServiceOptions {
  db: Kysely<Database>;
  engine: Engine;
  repository: string;
  defaults: DefaultVersionService;
}

/** Shadow pairs compared at most per read (the newest), so a long experiment stays cheap to show. */
const maxComparedImages = 5000;

export function createExperimentService(options: ExperimentServiceOptions) {
  const { db, engine, repository, defaults } = options;

  /**
   * @throws ChipqError MODEL_NOT_FOUND (model or an arm's version), INVALID_INPUT (arms),
   *   CONFLICT (an arm's version not READY, or the model already runs an experiment)
   */
  async function create(input: CreateExperimentInput, audit: Audit = {}): Promise<StoredExperiment> {
    const entry = await readModelEntry(repository, input.model);
    const onDisk = new Set(entry.versions.map((v) => String(v.version)));
    const index = await engine.repositoryIndex();
    for (const arm of input.arms) {
      if (!onDisk.has(arm.version))
        throw new ChipqError('MODEL_NOT_FOUND', `model "${input.model}" has no version ${arm.version}`, {
          details: { model: input.model, version: arm.version },
        });
      const state = index.find((e) => e.name === input.model && e.version === arm.version)?.state;
      if (state !== 'READY')
        throw new ChipqError(
          'CONFLICT',
          `version ${arm.version} of model "${input.model}" is not ready (${state ?? 'not loaded'}); load it before it serves an experiment`,
          { details: { model: input.model, version: arm.version, state: state ?? 'UNAVAILABLE' } },
        );
    }
    const arms = await shapeArms(input);
    const unit = input.unit ?? (input.mode === 'split' ? 'wafer_id' : 'request');
    try {
      const id = await db.transaction().execute(async (trx) => {
        const running = await lockRunningExperiment(trx, input.model);
        if (running !== undefined) throw runningConflict(input.model, running);
        return insertExperiment(trx, {
          name: input.name ?? `${input.model} ${input.mode} ${arms.map((a) => `v${a.version}`).join(' vs ')}`,
          description: input.description ?? null,
          model: input.model,
          mode: input.mode,
          unit,
          matchIou: input.matchIou ?? 0.5,
          arms,
          apiKeyId: audit.apiKeyId ?? null,
          requestId: audit.requestId ?? null,
        });
      });
      return (await findExperiment(db, id)) as StoredExperiment;
    } catch (error) {
      // Two creations raced past the lock (no row to lock yet): the unique index decided.
      if (isUniqueViolation(error)) throw runningConflict(input.model, undefined);
      throw error;
    }
  }

  /** Arm names, roles and weights, checked: in shadow mode the control answers and must be the default. */
  async function shapeArms(input: CreateExperimentInput): Promise<ArmRow[]> {
    const invalid = (message: string, field: string) =>
      new ChipqError('INVALID_INPUT', message, {
        details: { errors: [{ field, in: 'body', message, code: 'custom' }] },
      });
    const names = input.arms.map(
      (arm, i) =>
        arm.name ??
        `v${arm.version}${input.arms.filter((a) => a.version === arm.version).length > 1 ? `-${i + 1}` : ''}`,
    );
    if (new Set(names).size !== names.length) throw invalid('arm names must be unique', 'arms');
    const marked = input.arms.flatMap((arm, i) => (arm.control ? [i] : []));
    if (marked.length > 1) throw invalid('at most one arm can be the control', 'arms');
    let control = marked[0];
    if (input.mode === 'shadow') {
      const current = await defaults.current(input.model);
      control ??= input.arms.findIndex((arm) => arm.version === current);
      if (control === -1 || input.arms[control]?.version !== current) {
        throw invalid(
          `in shadow mode the default version (${current ?? 'none'}) answers: one arm must be version ${current ?? '(the default)'}; the others run in its shadow`,
          'arms',
        );
      }
    } else {
      control ??= 0;
      if (input.arms.some((arm) => arm.weight === undefined))
        throw invalid('in split mode every arm needs a weight (its share of the units)', 'arms');
      if (input.arms.reduce((sum, arm) => sum + (arm.weight ?? 0), 0) <= 0)
        throw invalid('the weights of a split experiment must add up to more than 0', 'arms');
    }
    return input.arms.map((arm, i) => ({
      name: names[i] as string,
      version: arm.version,
      weight: input.mode === 'split' ? (arm.weight as number) : 0,
      role: i === control ? 'control' : input.mode === 'split' ? 'treatment' : 'shadow',
    }));
  }

  /** The experiment with its figures. @throws ChipqError NOT_FOUND */
  async function get(id: string): Promise<{ experiment: StoredExperiment; figures: ExperimentFigures }> {
    const experiment = await findExperiment(db, id);
    if (experiment === undefined)
      throw new ChipqError('NOT_FOUND', `no experiment with id ${id}`, { details: { id } });
    const [answered, shadow, pairs] = await Promise.all([
      answeredArmCounts(db, id, experiment.unit),
      experiment.mode === 'shadow' ? shadowArmCounts(db, id) : undefined,
      experiment.mode === 'shadow' ? shadowPairs(db, id, maxComparedImages) : undefined,
    ]);
    return { experiment, figures: experimentFigures(experiment, answered, shadow, pairs, maxComparedImages) };
  }

  async function list(
    filter: { model?: string | undefined; status?: 'running' | 'stopped' | undefined },
    limit = 50,
  ) {
    return listExperiments(db, filter, limit);
  }

  /**
   * Stops a running experiment; with `promote`, first makes that arm's version the default
   * (through the promotion gate: when it refuses, the experiment keeps running).
   * @throws ChipqError NOT_FOUND, CONFLICT (already stopped), INVALID_INPUT (unknown arm)
   */
  async function stop(
    id: string,
    input: { reason: string; promote?: string | undefined; force?: boolean | undefined },
    audit: Audit = {},
  ) {
    const experiment = await findExperiment(db, id);
    if (experiment === undefined)
      throw new ChipqError('NOT_FOUND', `no experiment with id ${id}`, { details: { id } });
    if (experiment.status !== 'running')
      throw new ChipqError('CONFLICT', `experiment ${id} was already stopped`, {
        details: { id, status: experiment.status },
      });
    const arm =
      input.promote === undefined ? undefined : experiment.arms.find((a) => a.name === input.promote);
    if (input.promote !== undefined && arm === undefined) {
      const message = `experiment ${id} has no arm "${input.promote}" (arms: ${experiment.arms.map((a) => a.name).join(', ')})`;
      throw new ChipqError('INVALID_INPUT', message, {
        details: { errors: [{ field: 'promote', in: 'body', message, code: 'custom' }] },
      });
    }
    let promotion: Awaited<ReturnType<DefaultVersionService['promote']>> | undefined;
    if (arm !== undefined && arm.version !== (await defaults.current(experiment.model_name))) {
      promotion = await defaults.promote(
        experiment.model_name,
        arm.version,
        `${input.reason} (winner of experiment ${id}, arm ${arm.name})`,
        audit,
        { force: input.force },
      );
    }
    await db.transaction().execute(async (trx) => {
      await lockRunningExperiment(trx, experiment.model_name);
      await markStopped(trx, id, {
        reason: input.reason,
        apiKeyId: audit.apiKeyId ?? null,
        promotedArm: arm?.name ?? null,
      });
    });
    return { ...(await get(id)), promotion };
  }

  return { create, get, list, stop };
}

function runningConflict(model: string, running: string | undefined): ChipqError {
  return new ChipqError(
    'CONFLICT',
    `model "${model}" already runs an experiment${running === undefined ? '' : ` (${running})`}; stop it first`,
    { details: { model, ...(running === undefined ? {} : { experiment_id: running }) } },
  );
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

export type ExperimentService = ReturnType<typeof createExperimentService>;
