/**
 * POST /models/deploy: a new model version goes through a staging folder inside the
 * repository (`.staging/<id>/`, hidden, so neither engine sees it), is parsed and smoke-tested
 * there, and only then is renamed into `<repository>/<name>/<version>/` (a rename on the same
 * filesystem is atomic) and loaded. On any failure the staging folder is removed and a moved
 * version is taken back, so nothing half-deployed remains. Every outcome is recorded.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ChipqError, type Inspector, isChipqError } from '@chipq/core';
import { type ModelRepositoryEntry, parseModelConfig, readModelEntry } from '@chipq/core/model-repository';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { EventOutbox } from '../events/event-outbox.js';
import { recordDeploymentEvent } from '../repositories/deployment-repository.js';
import type { DeploymentEventView, ModelStatusView } from '../schemas/model-schemas.js';
import type { DefaultVersionService } from './default-version-service.js';
import type { ModelCatalog } from './model-catalog.js';
import { smokeTestModel } from './model-smoke-test.js';
import { deploymentView } from './model-views.js';

export interface DeployRequest {
  name: string;
  /** Default: one above the highest version on disk (1 for a new model). */
  version?: string | undefined;
  onnx: Uint8Array;
  /** config.pbtxt text; required for a new model, replaces the config of an existing one. */
  configText?: string | undefined;
  /** labels.txt text; replaces the labels of an existing model. */
  labelsText?: string | undefined;
  /** Load once in place, default true. */
  load?: boolean | undefined;
  requestId?: string | undefined;
  /** Id of the API key that asked; stored with the deployment events. */
  apiKeyId?: string | undefined;
}

export interface DeployResult {
  name: string;
  version: string;
  status: ModelStatusView | null;
  deployment: DeploymentEventView;
}

async function existing(repository: string, name: string): Promise<ModelRepositoryEntry | undefined> {
  try {
    return await readModelEntry(repository, name);
  } catch (error) {
    if (isChipqError(error) && error.code === 'MODEL_NOT_FOUND') return undefined;
    throw error;
  }
}

/** Largest labels.txt accepted: one label per class, so 1 MiB is far beyond any real model. */
const maxLabelsLength = 1024 * 1024;

function fieldError(field: string, message: string): ChipqError {
  return new ChipqError('INVALID_INPUT', `${field}: ${message}`, {
    details: { errors: [{ field, in: 'body', message, code: 'custom' }] },
  });
}

export function createModelDeployer(options: {
  db: Kysely<Database>;
  inspector: Inspector;
  catalog: ModelCatalog;
  /** `chipq.model.deployed` is emitted with the `deployed` record, in one transaction. */
  events: EventOutbox;
  repository: string;
  /** Pins the model's serving default before a new version arrives, so the newcomer is a candidate. */
  defaults?: DefaultVersionService | undefined;
}) {
  const { db, repository } = options;
  const locks = new Map<string, Promise<unknown>>();

  async function deploy(request: DeployRequest): Promise<DeployResult> {
    // One deploy per model at a time in this process; across replicas the renames collide instead.
    const previous = locks.get(request.name) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => deployNow(request));
    locks.set(request.name, run);
    try {
      return await run;
    } finally {
      if (locks.get(request.name) === run) locks.delete(request.name);
    }
  }

  async function deployNow(request: DeployRequest): Promise<DeployResult> {
    const audit = { requestId: request.requestId, apiKeyId: request.apiKeyId };
    const { name } = request;
    const current = await existing(repository, name);
    // A new version of an existing model enters as a candidate: the default is stored first
    // (config.pbtxt's, else the newest version serving now), so the newcomer serves nothing
    // until promoted. The first version of a new model becomes its default on first use.
    if (current !== undefined) await options.defaults?.current(name);
    const highest = Math.max(0, ...(current?.versions ?? []).map((v) => v.version));
    const version = request.version ?? String(highest + 1);
    const sha256 = createHash('sha256').update(request.onnx).digest('hex');
    const detail = {
      sha256,
      bytes: request.onnx.byteLength,
      new_model: current === undefined,
      config_replaced: request.configText !== undefined && current !== undefined,
    };
    const staging = path.join(repository, '.staging', randomUUID());
    const moved: Array<() => Promise<void>> = [];
    try {
      if (current?.versions.some((v) => String(v.version) === version)) {
        throw new ChipqError(
          'CONFLICT',
          `model "${name}" already has version ${version}; deploy a new version number`,
          { details: { model: name, version } },
        );
      }
      const configText =
        request.configText ??
        (current === undefined ? undefined : await readFile(path.join(current.path, 'config.pbtxt'), 'utf8'));
      // The body is well-formed; what is missing is the model's configuration: 422, not 400.
      if (configText === undefined)
        throw new ChipqError(
          'MODEL_CONFIG_INVALID',
          `config: required for a new model ("${name}" is not in the repository)`,
          {
            details: {
              errors: [{ field: 'config', in: 'body', message: 'required for a new model', code: 'custom' }],
            },
          },
        );
      if (request.labelsText !== undefined && request.labelsText.length > maxLabelsLength)
        throw new ChipqError('MODEL_CONFIG_INVALID', `labels: longer than ${maxLabelsLength} characters`, {
          details: { field: 'labels', limit: maxLabelsLength },
        });
      const config = parseModelConfig(configText, { file: 'config.pbtxt', defaultName: name });
      if (config.name !== name)
        throw fieldError('config', `names model "${config.name}", but the deploy is for "${name}"`);
      const modelFile = config.defaultModelFilename || 'model.onnx';
      await mkdir(path.join(staging, name, version), { recursive: true });
      await writeFile(path.join(staging, name, version, modelFile), request.onnx);
      await writeFile(path.join(staging, name, 'config.pbtxt'), configText);
      // The label file goes where the config says; an existing model keeps its own unless replaced.
      const labelsFile = config.output.find((o) => o.labelFilename)?.labelFilename ?? 'labels.txt';
      const labelsText =
        request.labelsText ??
        (current === undefined
          ? undefined
          : await readFile(path.join(current.path, labelsFile), 'utf8').catch(() => undefined));
      if (labelsText !== undefined) await writeFile(path.join(staging, name, labelsFile), labelsText);
      await smokeTestModel(staging, name, version, config);

      if (current === undefined) {
        await renameOrConflict(path.join(staging, name), path.join(repository, name), name, version);
        moved.push(() => rm(path.join(repository, name), { recursive: true, force: true }));
      } else {
        const target = path.join(current.path, version);
        await renameOrConflict(path.join(staging, name, version), target, name, version);
        moved.push(() => rm(target, { recursive: true, force: true }));
        const replaced = [
          ...(request.configText === undefined ? [] : ['config.pbtxt']),
          ...(request.labelsText === undefined ? [] : [labelsFile]),
        ];
        for (const file of replaced) {
          const target = path.join(current.path, file);
          const before = await readFile(target, 'utf8').catch(() => undefined);
          await rename(path.join(staging, name, file), target);
          moved.push(() =>
            before === undefined ? rm(target, { force: true }) : replaceFile(target, before),
          );
        }
      }
      const status = request.load === false ? null : await options.catalog.load(name, audit);
      // The version policy may leave the new version unloaded (e.g. latest 1 and a lower number).
      const served = status?.versions.some((v) => v.version === version && v.ready) ?? false;
      const event = await db.transaction().execute(async (trx) => {
        const recorded = await recordDeploymentEvent(trx, {
          modelName: name,
          modelVersion: version,
          event: 'deployed',
          detail: { ...detail, loaded: status !== null, served },
          ...audit,
        });
        await options.events.emit(trx, {
          type: 'chipq.model.deployed',
          subject: `models/${name}/versions/${version}`,
          partitionKey: `model:${name}`,
          data: {
            model: name,
            version,
            deployment_id: recorded.id,
            deployed_at: recorded.created_at.toISOString(),
          },
        });
        return recorded;
      });
      return { name, version, status, deployment: deploymentView(event) };
    } catch (error) {
      // Take back whatever was moved, newest first, so the repository is as it was.
      for (const undo of moved.reverse()) await undo().catch(() => undefined);
      if (moved.length > 0 && current !== undefined && request.load !== false)
        await options.inspector.loadModel(name).catch(() => undefined);
      await recordDeploymentEvent(db, {
        modelName: name,
        modelVersion: version,
        event: 'deploy_failed',
        detail,
        errorCode: isChipqError(error) ? error.code : 'INTERNAL',
        errorMessage: (error as Error).message,
        ...audit,
      });
      throw error;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  return { deploy };
}

async function renameOrConflict(from: string, to: string, name: string, version: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTEMPTY') {
      throw new ChipqError(
        'CONFLICT',
        `model "${name}" version ${version} appeared while deploying (another deploy?)`,
        { cause: error },
      );
    }
    throw error;
  }
}

async function replaceFile(file: string, text: string): Promise<void> {
  const temporary = `${file}.${randomUUID()}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}

export type ModelDeployer = ReturnType<typeof createModelDeployer>;
