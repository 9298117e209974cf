/**
 * Triton's ModelConfig message (as ModelConfigResponse returns it) -> chipq's ModelConfig, the
 * same type the config.pbtxt parser produces, so callers cannot tell which engine a config came
 * from. Declared fields we do not model go to the `extra` of their level, with enums as
 * `{ $enum }` and 64-bit integers as numbers, as the text parser writes them. The other direction
 * (a load's config override) is `modelConfigToJson` in model-repository/.
 */
import type { ModelConfig__Output } from '../../../gen/triton/inference/ModelConfig.js';
import type { ModelDynamicBatching__Output } from '../../../gen/triton/inference/ModelDynamicBatching.js';
import type { ModelInput__Output } from '../../../gen/triton/inference/ModelInput.js';
import type { ModelInstanceGroup__Output } from '../../../gen/triton/inference/ModelInstanceGroup.js';
import type { ModelOutput__Output } from '../../../gen/triton/inference/ModelOutput.js';
import type { ModelVersionPolicy__Output } from '../../../gen/triton/inference/ModelVersionPolicy.js';
import type { ModelWarmup__Output } from '../../../gen/triton/inference/ModelWarmup.js';
import type {
  DataType,
  DynamicBatchingConfig,
  InstanceGroupConfig,
  InstanceKind,
  ModelConfig,
  ModelWarmupConfig,
  TensorConfig,
  TensorFormat,
  TextMessage,
  VersionPolicy,
} from '../../model-repository/model-config.js';

/** `TYPE_FP32` -> `FP32`; Triton's `TYPE_STRING` is KServe's `BYTES`. */
function dataTypeFromConfig(value: string): DataType {
  const name = value.replace(/^TYPE_/, '');
  return (name === 'STRING' ? 'BYTES' : name) as DataType;
}

export function modelConfigFromProto(proto: ModelConfig__Output): ModelConfig {
  const extra: TextMessage = {};
  if (Object.keys(proto.metric_tags).length > 0) {
    extra.metric_tags = Object.entries(proto.metric_tags).map(([key, value]) => ({ key, value }));
  }
  if (proto.model_transaction_policy?.decoupled) extra.model_transaction_policy = { decoupled: true };
  if (proto.response_cache?.enable) extra.response_cache = { enable: true };
  if (proto.runtime) extra.runtime = proto.runtime;
  const config: ModelConfig = {
    name: proto.name,
    platform: proto.platform,
    backend: proto.backend,
    maxBatchSize: proto.max_batch_size,
    input: proto.input.map(inputFromProto),
    output: proto.output.map(outputFromProto),
    instanceGroup: proto.instance_group.map(instanceGroupFromProto),
    versionPolicy: versionPolicyFromProto(proto.version_policy),
    parameters: Object.fromEntries(
      Object.entries(proto.parameters).map(([key, value]) => [key, value.string_value]),
    ),
    modelWarmup: proto.model_warmup.map(warmupFromProto),
    extra,
  };
  if (proto.dynamic_batching) config.dynamicBatching = dynamicBatchingFromProto(proto.dynamic_batching);
  if (proto.default_model_filename) config.defaultModelFilename = proto.default_model_filename;
  return config;
}

function withExtra<T extends object>(value: T, extra: TextMessage): T & { extra?: TextMessage } {
  return Object.keys(extra).length > 0 ? { ...value, extra } : value;
}

function inputFromProto(input: ModelInput__Output): TensorConfig {
  const extra: TextMessage = {};
  if (input.is_shape_tensor) extra.is_shape_tensor = true;
  if (input.allow_ragged_batch) extra.allow_ragged_batch = true;
  const tensor: TensorConfig = {
    name: input.name,
    dataType: dataTypeFromConfig(input.data_type),
    dims: input.dims.map(Number),
    format: input.format.replace(/^FORMAT_/, '') as TensorFormat,
    optional: input.optional,
  };
  if (input.reshape) tensor.reshape = input.reshape.shape.map(Number);
  return withExtra(tensor, extra);
}

function outputFromProto(output: ModelOutput__Output): TensorConfig {
  const tensor: TensorConfig = {
    name: output.name,
    dataType: dataTypeFromConfig(output.data_type),
    dims: output.dims.map(Number),
    format: 'NONE',
    optional: false,
  };
  if (output.reshape) tensor.reshape = output.reshape.shape.map(Number);
  if (output.label_filename) tensor.labelFilename = output.label_filename;
  return withExtra(tensor, output.is_shape_tensor ? { is_shape_tensor: true } : {});
}

function instanceGroupFromProto(group: ModelInstanceGroup__Output): InstanceGroupConfig {
  const extra: TextMessage = {};
  if (group.profile.length > 0) extra.profile = [...group.profile];
  if (group.passive) extra.passive = true;
  if (group.host_policy) extra.host_policy = group.host_policy;
  const config: InstanceGroupConfig = {
    count: group.count,
    kind: group.kind as InstanceKind,
    gpus: [...group.gpus],
  };
  if (group.name) config.name = group.name;
  return withExtra(config, extra);
}

function versionPolicyFromProto(policy: ModelVersionPolicy__Output | null): VersionPolicy {
  if (policy?.policy_choice === 'all') return { kind: 'all' };
  if (policy?.policy_choice === 'specific')
    return { kind: 'specific', versions: (policy.specific?.versions ?? []).map(Number) };
  return { kind: 'latest', numVersions: policy?.latest?.num_versions || 1 };
}

function dynamicBatchingFromProto(batching: ModelDynamicBatching__Output): DynamicBatchingConfig {
  const extra: TextMessage = {};
  if (batching.priority_levels !== '0') extra.priority_levels = Number(batching.priority_levels);
  if (batching.default_priority_level !== '0')
    extra.default_priority_level = Number(batching.default_priority_level);
  const queue = batching.default_queue_policy;
  if (queue) {
    extra.default_queue_policy = {
      timeout_action: { $enum: queue.timeout_action },
      default_timeout_microseconds: Number(queue.default_timeout_microseconds),
      allow_timeout_override: queue.allow_timeout_override,
      max_queue_size: queue.max_queue_size,
    };
  }
  return withExtra(
    {
      preferredBatchSize: [...batching.preferred_batch_size],
      maxQueueDelayMicroseconds: Number(batching.max_queue_delay_microseconds),
      preserveOrdering: batching.preserve_ordering,
    },
    extra,
  );
}

function warmupFromProto(warmup: ModelWarmup__Output): ModelWarmupConfig {
  const inputs: ModelWarmupConfig['inputs'] = {};
  for (const [name, input] of Object.entries(warmup.inputs)) {
    inputs[name] = {
      dataType: dataTypeFromConfig(input.data_type),
      dims: input.dims.map(Number),
      ...(input.input_data_type === 'zero_data' ? { zeroData: true } : {}),
      ...(input.input_data_type === 'random_data' ? { randomData: true } : {}),
      ...(input.input_data_type === 'input_data_file' ? { inputDataFile: input.input_data_file ?? '' } : {}),
    };
  }
  return { name: warmup.name, batchSize: warmup.batch_size, inputs, count: warmup.count };
}
