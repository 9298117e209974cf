/**
 * @chipq/core/model-repository — Triton's model repository layout, read the way Triton reads it:
 * config.pbtxt parsed (protobuf text format, unknown fields kept) and written back, Triton's JSON
 * form of a config, the repository and version folders, and version_policy.
 */

export { defaultVersion, defaultVersionParameter } from './default-version.js';
export type {
  DataType,
  DynamicBatchingConfig,
  InstanceGroupConfig,
  InstanceKind,
  ModelConfig,
  ModelWarmupConfig,
  ModelWarmupInput,
  TensorConfig,
  TensorFormat,
  TextEnum,
  TextMessage,
  TextValue,
  VersionPolicy,
} from './model-config.js';
export { formatModelConfig } from './model-config-formatter.js';
export type { JsonValue, ModelConfigJson } from './model-config-json.js';
export { modelConfigToJson } from './model-config-json.js';
export type { ParseModelConfigOptions } from './model-config-parser.js';
export { parseModelConfig } from './model-config-parser.js';
export type {
  ModelRepositoryEntry,
  ModelVersionEntry,
  ReadModelRepositoryOptions,
} from './model-repository-reader.js';
export { listModelFolders, readModelEntry, readModelRepository } from './model-repository-reader.js';
export { selectVersions } from './select-versions.js';
