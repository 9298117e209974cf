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
}

export function createDefaultVersionService(options: DefaultVersionServiceOptions) {
  const { db, engine, repository, events } = options;

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

  /** Seeds the row from the config's `chipq.default_version`; a no-op when a row exists or the config names none. */
  async function seed(model: string): Promise<string | undefined> {
    const configured = defaultVersion((await readModelEntry(repository, model)).config);
    if (configured === undefined) return undefined;
    await db.transaction().execute(async (trx) => {
      if (await insertDefaultVersion(trx, model, configured)) {
        await recordDefaultChange(trx, {
          model,
          action: 'seeded',
          from: null,
          to: configured,
          reason: `config.pbtxt chipq.default_version`,
        });
      }
    });
    return readDefaultVersion(db, model);
  }

  /**
   * Makes `version` the default.
   * @throws ChipqError MODEL_NOT_FOUND (model or version), CONFLICT (not ready, or already the default)
   */
  async function promote(
    model: string,
    version: string,
    reason: string,
    audit: Audit = {},
    _options: { force?: boolean | undefined } = {},
  ): Promise<ModelDefaultChange> {
    await requireReady(model, version);
    await seed(model);
    return db.transaction().execute(async (trx) => {
      const from = await lockDefaultVersion(trx, model);
      if (from === version) {
        throw new ChipqError('CONFLICT', `version ${version} of model "${model}" is already the default`, {
          details: { model, version },
        });
      }
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
          ...audit,
        }),
      );
    });
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
