/**
 * Pure mapping from a repository entry (config, versions on disk, labels) and the engine's
 * repository index to the API's model views.
 */
import type { ModelConfig, ModelIndexEntry, ModelState, TensorConfig } from '@chipq/core';
import { defaultVersion, type ModelRepositoryEntry } from '@chipq/core/model-repository';
import type { ModelDefaultChange, ModelDeployment } from '../db/database.js';
import type {
  DefaultChangeView,
  DeploymentEventView,
  ModelStatusView,
  ModelSummary,
  ModelVersionView,
} from '../schemas/model-schemas.js';

function tensor(t: TensorConfig) {
  return { name: t.name, data_type: t.dataType, dims: t.dims, format: t.format };
}

/** Versions on disk and versions the engine knows, each with its state. */
export function versionViews(
  entry: Pick<ModelRepositoryEntry, 'versions'> | undefined,
  index: ModelIndexEntry[],
): ModelVersionView[] {
  const byVersion = new Map(index.filter((e) => e.version !== '').map((e) => [e.version, e]));
  const versions = new Set([...(entry?.versions ?? []).map((v) => String(v.version)), ...byVersion.keys()]);
  return [...versions]
    .sort((a, b) => Number(a) - Number(b))
    .map((version) => {
      const known = byVersion.get(version);
      const state: ModelState = known?.state ?? 'UNAVAILABLE';
      return {
        version,
        state,
        ready: state === 'READY',
        reason: known?.reason ?? (state === 'READY' ? '' : 'not loaded'),
      };
    });
}

/** The model's state: READY if any version is, else LOADING/UNLOADING if any is, else UNAVAILABLE. */
export function statusView(
  name: string,
  versions: ModelVersionView[],
  index: ModelIndexEntry[],
): ModelStatusView {
  const order: ModelState[] = ['READY', 'LOADING', 'UNLOADING', 'UNAVAILABLE'];
  const states = new Set([...versions.map((v) => v.state), ...index.map((e) => e.state)]);
  const state = order.find((s) => states.has(s)) ?? 'UNAVAILABLE';
  const reason =
    state === 'READY'
      ? ''
      : (index.find((e) => e.reason !== '')?.reason ??
        versions.find((v) => v.reason !== '')?.reason ??
        'not loaded');
  return { name, state, ready: state === 'READY', reason, versions };
}

export function summaryView(entry: ModelRepositoryEntry, index: ModelIndexEntry[]): ModelSummary {
  const config: ModelConfig = entry.config;
  const versions = versionViews(entry, index);
  const status = statusView(entry.name, versions, index);
  return {
    name: entry.name,
    platform: config.platform || config.backend,
    max_batch_size: config.maxBatchSize,
    state: status.state,
    ready: status.ready,
    reason: status.reason,
    versions,
    default_version: defaultVersion(config) ?? null,
    inputs: config.input.map(tensor),
    outputs: config.output.map(tensor),
    labels: entry.labels ?? null,
    decoder: config.parameters['chipq.decoder'] ?? null,
    dynamic_batching:
      config.dynamicBatching === undefined
        ? null
        : {
            preferred_batch_size: config.dynamicBatching.preferredBatchSize,
            max_queue_delay_microseconds: config.dynamicBatching.maxQueueDelayMicroseconds,
          },
    instance_count: config.instanceGroup.reduce((sum, group) => sum + group.count, 0),
  };
}

/** A model whose folder could not be read (bad config.pbtxt): listed, never hidden. */
export function unreadableSummary(name: string, reason: string, index: ModelIndexEntry[]): ModelSummary {
  const versions = versionViews(undefined, index);
  return {
    name,
    platform: '',
    max_batch_size: 0,
    state: 'UNAVAILABLE',
    ready: false,
    reason,
    versions,
    default_version: null,
    inputs: [],
    outputs: [],
    labels: null,
    decoder: null,
    dynamic_batching: null,
    instance_count: 0,
  };
}

export function deploymentView(row: ModelDeployment): DeploymentEventView {
  return {
    id: row.id,
    event: row.event,
    version: row.model_version,
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    detail: row.detail,
    request_id: row.request_id,
    created_at: row.created_at.toISOString(),
  };
}

export function defaultChangeView(row: ModelDefaultChange): DefaultChangeView {
  return {
    id: row.id,
    model: row.model_name,
    action: row.action,
    from_version: row.from_version,
    to_version: row.to_version,
    reason: row.reason,
    api_key_id: row.api_key_id,
    request_id: row.request_id,
    created_at: row.created_at.toISOString(),
    forced: row.forced,
    gate: row.gate,
  };
}
