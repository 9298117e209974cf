/**
 * Which version serves requests naming none, kept in the database so every replica agrees and
 * the choice survives restarts. A model's row is seeded from its config.pbtxt
 * (`chipq.default_version`) the first time chipq sees it; from then on only promote and rollback
 * change it, each in one transaction with a history row (who, when, why, from, to).
 *
 * Requests read the row on every call (one primary-key lookup, no cache), so a promotion on one
 * replica applies to the next request on all of them. Without a row the inspector falls back to
 * the config's default, then to the newest ready version.
 */

import type { Engine } from '@chipq/core';
import { ChipqError } from '@chipq/core';
import { defaultVersion, readModelEntry } from '@chipq/core/model-repository';
import type { Kysely } from 'kysely';
import type { Database, ModelDefaultChange } from '../db/database.js';
import type { EventOutbox } from '../events/event-outbox.js';
import type { GateReport, GoldenGate } from '../golden/golden-gate.js';
import {
  insertDefaultVersion,
  listDefaultChanges,
  lockDefaultVersion,
  readDefaultVersion,
  recordDefaultChange,
  updateDefaultVersion,
} from '../repositories/default-version-repository.js';
import type { Audit } from '../repositories/deployment-repository.js';

export interface DefaultVersionServiceOptions {
  db: Kysely<Database>;
  engine: Engine;
  /** The model repository folder (MODEL_REPOSITORY). */
  repository: string;
  /** Promotions and rollbacks emit `chipq.model.promoted` in their transaction. */
  events: EventOutbox;
  /** Runs a candidate on the model's golden set before it may become the default. */
  gate?: GoldenGate | undefined;
}

export function createDefaultVersionService(options: DefaultVersionServiceOptions) {
  const { db, engine, repository, events, gate } = options;

  /** Emits `chipq.model.promoted` for a promotion or rollback, in its transaction. */
  async function announce(trx: Kysely<Database>, change: ModelDefaultChange): Promise<ModelDefaultChange> {
    if (change.action === 'seeded') return change;
    await events.emit(trx, {
      type: 'chipq.model.promoted',
      subject: `models/${change.model_name}`,
      partitionKey: `model:${change.model_name}`,
      data: {
        model: change.model_name,
        from_version: change.from_version,
        to_version: change.to_version,
        action: change.action,
        reason: change.reason,
        changed_at: change.created_at.toISOString(),
      },
    });
    return change;
  }

  /** The stored default, or undefined when the model has no row yet (hot path: one lookup). */
  async function stored(model: string): Promise<string | undefined> {
    return readDefaultVersion(db, model);
  }

  /**
   * The default as stored, seeding the row from config.pbtxt when there is none.
   * @throws ChipqError MODEL_NOT_FOUND, MODEL_CONFIG_INVALID
   */
  async function current(model: string): Promise<string | undefined> {
    return (await stored(model)) ?? (await seed(model));
  }

  /**
   * Seeds the row from the config's `chipq.default_version`, else from the newest version READY
   * now (what served so far); a no-op when a row exists or nothing is ready.
   */
  async function seed(model: string): Promise<string | undefined> {
    const fromConfig = defaultVersion((await readModelEntry(repository, model)).config);
    const configured = fromConfig ?? (await newestReady(model));
    if (configured === undefined) return undefined;
    await db.transaction().execute(async (trx) => {
      if (await insertDefaultVersion(trx, model, configured)) {
        await recordDefaultChange(trx, {
          model,
          action: 'seeded',
          from: null,
          to: configured,
          reason:
            fromConfig === undefined
              ? 'the newest ready version when first seen'
              : 'config.pbtxt chipq.default_version',
        });
      }
    });
    return readDefaultVersion(db, model);
  }

  /**
   * Makes `version` the default, once it passed the golden-set gate (or `force` says to go past
   * a failing or unavailable gate; recorded).
   * @throws ChipqError MODEL_NOT_FOUND (model or version), CONFLICT (not ready, already the
   *   default, or refused by the gate with its report and failing cases in `details`)
   */
  async function promote(
    model: string,
    version: string,
    reason: string,
    audit: Audit = {},
    options: { force?: boolean | undefined } = {},
  ): Promise<ModelDefaultChange> {
    await requireReady(model, version);
    const before = await current(model);
    if (before === version) throw alreadyDefault(model, version);
    const { report, forced } = await runGate(model, version, before, options.force === true);
    return db.transaction().execute(async (trx) => {
      const from = await lockDefaultVersion(trx, model);
      if (from === version) throw alreadyDefault(model, version);
      // The gate compared with the default read before it ran; a promotion in between makes
      // that comparison stale.
      if (from !== before)
        throw new ChipqError(
          'CONFLICT',
          `the default of model "${model}" changed to ${from ?? 'none'} while the golden-set gate ran; promote again`,
          { details: { model, version, current: from ?? null } },
        );
      if (from === undefined) await insertDefaultVersion(trx, model, version);
      else await updateDefaultVersion(trx, model, version);
      return announce(
        trx,
        await recordDefaultChange(trx, {
          model,
          action: 'promoted',
          from: from ?? null,
          to: version,
          reason,
          forced,
          gate: report,
          ...audit,
        }),
      );
    });
  }

  /** The gate's report; throws when it refuses and `force` is not set. */
  async function runGate(
    model: string,
    version: string,
    before: string | undefined,
    force: boolean,
  ): Promise<{ report: GateReport | Record<string, unknown> | null; forced: boolean }> {
    if (gate === undefined) return { report: null, forced: false };
    let report: GateReport | undefined;
    try {
      report = await gate.evaluate(model, version, before);
    } catch (error) {
      const unavailable = error instanceof ChipqError && error.details?.reason === 'golden_set_unavailable';
      if (!unavailable) throw error;
      if (!force)
        throw new ChipqError(
          'CONFLICT',
          `${error.message}; promote with force (and a reason) to go past it`,
          {
            cause: error,
            details: { model, version, ...error.details },
          },
        );
      return { report: { unavailable: error.message }, forced: true };
    }
    if (report === undefined || report.passed) return { report: report ?? null, forced: false };
    if (force) return { report, forced: true };
    throw new ChipqError(
      'CONFLICT',
      `version ${version} of model "${model}" fails the golden-set gate (${report.source}): ${report.reasons.join('; ')}`,
      { details: { model, version, failing_cases: report.candidate.failing_cases, gate: report } },
    );
  }

  /**
   * Restores the default that the latest promotion not yet rolled back replaced.
   * @throws ChipqError CONFLICT when there is nothing to roll back to, or that version is not ready
   */
  async function rollback(model: string, reason: string, audit: Audit = {}): Promise<ModelDefaultChange> {
    await readModelEntry(repository, model);
    return db.transaction().execute(async (trx) => {
      const from = await lockDefaultVersion(trx, model);
      const target = rollbackTarget(await listDefaultChanges(trx, model));
      if (from === undefined || target === undefined) {
        throw new ChipqError('CONFLICT', `model "${model}" has no earlier default version to roll back to`, {
          details: { model, current: from ?? null },
        });
      }
      await requireReady(model, target);
      await updateDefaultVersion(trx, model, target);
      return announce(
        trx,
        await recordDefaultChange(trx, { model, action: 'rolled_back', from, to: target, reason, ...audit }),
      );
    });
  }

  /** Changes of the model's default, newest first (default the latest 20). */
  async function history(model: string, limit = 20): Promise<ModelDefaultChange[]> {
    return (await listDefaultChanges(db, model)).reverse().slice(0, limit);
  }

  async function newestReady(model: string): Promise<string | undefined> {
    const ready = (await engine.repositoryIndex())
      .filter((e) => e.name === model && e.state === 'READY' && e.version !== '')
      .map((e) => Number(e.version));
    return ready.length === 0 ? undefined : String(Math.max(...ready));
  }

  async function requireReady(model: string, version: string): Promise<void> {
    const entry = await readModelEntry(repository, model);
    if (!entry.versions.some((v) => String(v.version) === version)) {
      throw new ChipqError('MODEL_NOT_FOUND', `model "${model}" has no version ${version}`, {
        details: { model, version },
      });
    }
    const state = (await engine.repositoryIndex()).find(
      (e) => e.name === model && e.version === version,
    )?.state;
    if (state !== 'READY') {
      throw new ChipqError(
        'CONFLICT',
        `version ${version} of model "${model}" is not ready (${state ?? 'not loaded'}); load it before it becomes the default`,
        { details: { model, version, state: state ?? 'UNAVAILABLE' } },
      );
    }
  }

  return { stored, current, seed, promote, rollback, history };
}

function alreadyDefault(model: string, version: string): ChipqError {
  return new ChipqError('CONFLICT', `version ${version} of model "${model}" is already the default`, {
    details: { model, version },
  });
}

/**
 * The version a rollback restores: promotions push the default they replaced, rollbacks pop
 * one, so repeated rollbacks walk back through the promotions in order.
 */
function rollbackTarget(changes: readonly ModelDefaultChange[]): string | undefined {
  const replaced: string[] = [];
  for (const change of changes) {
    if (change.action === 'promoted' && change.from_version !== null) replaced.push(change.from_version);
    else if (change.action === 'rolled_back') replaced.pop();
  }
  return replaced.at(-1);
}

export type DefaultVersionService = ReturnType<typeof createDefaultVersionService>;
