/**
 * KServe v2 responses -> chipq's engine types: model metadata, statistics and the repository
 * index. 64-bit counters arrive as decimal strings (see proto-loader.ts) and become numbers here:
 * counts and nanosecond sums stay exact below 2^53 (about 104 days of cumulative time).
 */
import type { ModelMetadataResponse__Output } from '../../../gen/triton/inference/ModelMetadataResponse.js';
import type { ModelStatistics__Output } from '../../../gen/triton/inference/ModelStatistics.js';
import type { RepositoryIndexResponse__Output } from '../../../gen/triton/inference/RepositoryIndexResponse.js';
import type { StatisticDuration__Output } from '../../../gen/triton/inference/StatisticDuration.js';
import type {
  ModelIndexEntry,
  ModelMetadata,
  ModelState,
  ModelStatistics,
  StatisticDuration,
} from '../../kserve/kserve-types.js';
import type { DataType } from '../../model-repository/model-config.js';

export function modelMetadataFromProto(response: ModelMetadataResponse__Output): ModelMetadata {
  const tensor = (t: ModelMetadataResponse__Output['inputs'][number]) => ({
    name: t.name,
    datatype: t.datatype as DataType,
    shape: t.shape.map(Number),
  });
  return {
    name: response.name,
    versions: [...response.versions],
    platform: response.platform,
    inputs: response.inputs.map(tensor),
    outputs: response.outputs.map(tensor),
  };
}

function duration(value: StatisticDuration__Output | null | undefined): StatisticDuration {
  return { count: Number(value?.count ?? 0), ns: Number(value?.ns ?? 0) };
}

export function modelStatisticsFromProto(stats: ModelStatistics__Output): ModelStatistics {
  const inference = stats.inference_stats;
  return {
    name: stats.name,
    version: stats.version,
    lastInference: Number(stats.last_inference),
    inferenceCount: Number(stats.inference_count),
    executionCount: Number(stats.execution_count),
    inferenceStats: {
      success: duration(inference?.success),
      fail: duration(inference?.fail),
      queue: duration(inference?.queue),
      computeInput: duration(inference?.compute_input),
      computeInfer: duration(inference?.compute_infer),
      computeOutput: duration(inference?.compute_output),
    },
    batchStats: stats.batch_stats
      .map((batch) => ({ batchSize: Number(batch.batch_size), computeInfer: duration(batch.compute_infer) }))
      .sort((a, b) => a.batchSize - b.batchSize),
  };
}

const states: ReadonlySet<string> = new Set<ModelState>(['READY', 'UNAVAILABLE', 'LOADING', 'UNLOADING']);

/** Triton lists a model it never loaded with no version and no state: UNAVAILABLE, as the embedded engine says. */
export function repositoryIndexFromProto(response: RepositoryIndexResponse__Output): ModelIndexEntry[] {
  return response.models.map((model) => ({
    name: model.name,
    version: model.version,
    state: (states.has(model.state) ? model.state : 'UNAVAILABLE') as ModelState,
    reason: model.reason,
  }));
}
