/**
 * The typed view of a Triton `config.pbtxt` (model_config.proto, r24.10) that chipq reads.
 * Field names are camelCase versions of the protobuf names. Fields we do not model are kept in
 * `extra` as parsed text-format values, never dropped, so a config round-trips to Triton intact.
 */

/** Triton's tensor element types, without the `TYPE_` prefix (KServe v2 names, with STRING as BYTES). */
export type DataType =
  | 'BOOL'
  | 'UINT8'
  | 'UINT16'
  | 'UINT32'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FP16'
  | 'FP32'
  | 'FP64'
  | 'BF16'
  | 'BYTES';

/** `format` of an input: how an image tensor is laid out. */
export type TensorFormat = 'NONE' | 'NHWC' | 'NCHW';

export interface TensorConfig {
  name: string;
  dataType: DataType;
  /** Shape without the batch dimension when `maxBatchSize > 0`; -1 marks a variable dimension. */
  dims: number[];
  format: TensorFormat;
  /** `reshape { shape: [...] }`, when present. */
  reshape?: number[];
  /** `optional: true` on an input. */
  optional: boolean;
  /** `label_filename` on an output. */
  labelFilename?: string;
  /** Fields of this input/output we do not model (e.g. `allow_ragged_batch`); absent when none. */
  extra?: TextMessage;
}

export interface DynamicBatchingConfig {
  preferredBatchSize: number[];
  /** 0 when absent, as in Triton. */
  maxQueueDelayMicroseconds: number;
  preserveOrdering: boolean;
  /** Fields we do not model (e.g. `priority_levels`, `default_queue_policy`); absent when none. */
  extra?: TextMessage;
}

export type InstanceKind = 'KIND_AUTO' | 'KIND_CPU' | 'KIND_GPU' | 'KIND_MODEL';

export interface InstanceGroupConfig {
  name?: string;
  /** Defaults to 1. */
  count: number;
  kind: InstanceKind;
  gpus: number[];
  /** Fields we do not model (e.g. `rate_limiter`, `passive`); absent when none. */
  extra?: TextMessage;
}

export type VersionPolicy =
  | { kind: 'latest'; numVersions: number }
  | { kind: 'all' }
  | { kind: 'specific'; versions: number[] };

/** One input of a warmup sample: exactly one of `zeroData`, `randomData`, `inputDataFile` is set. */
export interface ModelWarmupInput {
  dataType: DataType;
  dims: number[];
  zeroData?: boolean;
  randomData?: boolean;
  /** File under the model's `warmup/` folder. */
  inputDataFile?: string;
  /** Fields we do not model; absent when none. */
  extra?: TextMessage;
}

export interface ModelWarmupConfig {
  name: string;
  /** Defaults to 1 (Triton rejects 0). */
  batchSize: number;
  inputs: Record<string, ModelWarmupInput>;
  /** Extra executions of this sample; 0 (the default) runs it once, as in Triton. */
  count: number;
  /** Fields we do not model; absent when none. */
  extra?: TextMessage;
}

/**
 * A value in text format we do not model: a scalar, a message or a repeated field (a field given
 * more than once or as a `[...]` list). Integers beyond 2^53 lose precision.
 */
export type TextValue = string | number | boolean | TextEnum | TextMessage | TextValue[];
/**
 * A bare identifier (an enum value such as `KIND_GPU`), kept apart from quoted strings because
 * text format writes them differently. `$` cannot start a field name, so it never clashes.
 */
export interface TextEnum {
  $enum: string;
}
export interface TextMessage {
  [field: string]: TextValue;
}

export interface ModelConfig {
  name: string;
  /** e.g. `onnxruntime_onnx`; empty when only `backend` is given. */
  platform: string;
  /** e.g. `onnxruntime`; derived from `platform` when absent. */
  backend: string;
  /** 0 means the model does not batch: dims are the full shape. */
  maxBatchSize: number;
  input: TensorConfig[];
  output: TensorConfig[];
  /** Absent: no dynamic batching (every request runs alone). */
  dynamicBatching?: DynamicBatchingConfig;
  /** Defaults to one group of count 1. */
  instanceGroup: InstanceGroupConfig[];
  /** Defaults to `{ kind: 'latest', numVersions: 1 }`. */
  versionPolicy: VersionPolicy;
  /** `parameters { key: "k" value: { string_value: "v" } }` flattened to k -> v. */
  parameters: Record<string, string>;
  modelWarmup: ModelWarmupConfig[];
  /** `default_model_filename`: the file in each version folder. Absent: `model.onnx` for ONNX. */
  defaultModelFilename?: string;
  /** Every top-level field we do not model, as parsed. */
  extra: TextMessage;
}
