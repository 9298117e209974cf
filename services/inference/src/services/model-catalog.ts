/**
 * The models behind /models: what the repository folder holds (config, versions, labels, card)
 * joined with what the engine says (state per version), plus load and unload with their
 * events recorded in the database. Works the same over the embedded engine and Triton, whose
 * repository is the same folder on shared storage.
 */
import { ChipqError, type Inspector, isChipqError, type ModelIndexEntry } from '@chipq/core';
import { listModelFolders, modelConfigToJson, readModelEntry } from '@chipq/core/model-repository';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import {
  type Audit,
  listDeploymentEvents,
  recordDeploymentEvent,
} from '../repositories/deployment-repository.js';
import { readRouting } from '../repositories/experiment-repository.js';
import type {
  ModelDetail,
  ModelStatusView,
  ModelSummary,
  ModelVersionView,
} from '../schemas/model-schemas.js';
import type { DefaultVersionService } from './default-version-service.js';
import {
  defaultChangeView,
  deploymentView,
  statusView,
  summaryView,
  unreadableSummary,
  versionViews,
} from './model-views.js';

export interface ModelCatalogOptions {
  inspector: Inspector;
  db: Kysely<Database>;
  /** The default version per model, as stored in the database. */
  defaults: DefaultVersionService;
  /** The model repository folder (MODEL_REPOSITORY). */
  repository: string;
}

export function createModelCatalog(options: ModelCatalogOptions) {
  const { inspector, db, defaults, repository } = options;
  const engine = inspector.engine;

  async function indexOf(name?: string): Promise<ModelIndexEntry[]> {
    const index = await engine.repositoryIndex();
    return name === undefined ? index : index.filter((e) => e.name === name);
  }

  /** Every model folder, readable or not, sorted by name. */
  async function list(): Promise<ModelSummary[]> {
    // A repository folder that cannot be read lists what the engine still knows.
    const [folders, index] = await Promise.all([listModelFolders(repository).catch(() => []), indexOf()]);
    const names = [...new Set([...folders, ...index.map((e) => e.name)])].sort();
    const summaries: ModelSummary[] = [];
    for (const name of names) {
      const own = index.filter((e) => e.name === name);
      try {
        const summary = summaryView(await readModelEntry(repository, name), own);
        summaries.push({
          ...summary,
          default_version: (await defaults.stored(name)) ?? summary.default_version,
        });
      } catch (error) {
        // A folder without config.pbtxt is not a model; a broken one is listed with the reason.
        if (isChipqError(error) && error.code === 'MODEL_NOT_FOUND' && own.length === 0) continue;
        summaries.push(unreadableSummary(name, (error as Error).message, own));
      }
    }
    return summaries;
  }

  /** @throws ChipqError MODEL_NOT_FOUND (or MODEL_CONFIG_INVALID for a broken folder). */
  async function get(name: string): Promise<ModelDetail> {
    const [entry, index, events] = await Promise.all([
      readModelEntry(repository, name),
      indexOf(name),
      listDeploymentEvents(db, name),
    ]);
    const stored = await defaults.current(name);
    const running = await readRouting(db, name);
    return {
      ...summaryView(entry, index),
      default_version: stored ?? null,
      candidates: entry.versions.map((v) => String(v.version)).filter((v) => v !== stored),
      experiment:
        running.experiment === null
          ? null
          : { id: running.experiment.id, mode: running.experiment.mode, arms: running.experiment.arms },
      default_changes: (await defaults.history(name)).map(defaultChangeView),
      config: modelConfigToJson(entry.config),
      card: entry.card ?? null,
      deployments: events.map(deploymentView),
    };
  }

  async function versions(name: string): Promise<{ name: string; versions: ModelVersionView[] }> {
    const [entry, index] = await Promise.all([readModelEntry(repository, name), indexOf(name)]);
    return { name, versions: versionViews(entry, index) };
  }

  async function status(name: string): Promise<ModelStatusView> {
    const [entry, index] = await Promise.all([readModelEntry(repository, name), indexOf(name)]);
    return statusView(name, versionViews(entry, index), index);
  }

  /** @throws ChipqError MODEL_NOT_FOUND when the model, or the version, is not in the repository. */
  async function requireModel(name: string, version?: string): Promise<void> {
    const entry = await readModelEntry(repository, name);
    if (version !== undefined && !entry.versions.some((v) => String(v.version) === version)) {
      throw new ChipqError('MODEL_NOT_FOUND', `model "${name}" has no version ${version}`, {
        details: { model: name, version },
      });
    }
  }

  /** Loads (or reloads) a model and records the event, failed or not. */
  async function load(name: string, audit: Audit = {}): Promise<ModelStatusView> {
    await readModelEntry(repository, name);
    try {
      await inspector.loadModel(name);
    } catch (error) {
      await recordFailure(name, 'load_failed', error, audit);
      throw error;
    }
    const result = await status(name);
    await recordDeploymentEvent(db, {
      modelName: name,
      event: 'loaded',
      detail: { versions: readyVersions(result) },
      ...audit,
    });
    return result;
  }

  async function unload(name: string, audit: Audit = {}): Promise<ModelStatusView> {
    await readModelEntry(repository, name);
    try {
      await inspector.unloadModel(name);
    } catch (error) {
      await recordFailure(name, 'unload_failed', error, audit);
      throw error;
    }
    await recordDeploymentEvent(db, { modelName: name, event: 'unloaded', ...audit });
    return status(name);
  }

  async function recordFailure(
    name: string,
    event: 'load_failed' | 'unload_failed',
    error: unknown,
    audit: Audit,
  ) {
    await recordDeploymentEvent(db, {
      modelName: name,
      event,
      errorCode: isChipqError(error) ? error.code : 'INTERNAL',
      errorMessage: (error as Error).message,
      ...audit,
    });
  }

  return { list, get, versions, status, requireModel, load, unload };
}

function readyVersions(status: ModelStatusView): string[] {
  return status.versions.filter((v) => v.ready).map((v) => v.version);
}

export type ModelCatalog = ReturnType<typeof createModelCatalog>;
