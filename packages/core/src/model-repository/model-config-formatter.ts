/**
 * `formatModelConfig`: a ModelConfig back to config.pbtxt text, for deploying a model to Triton
 * or overriding its config at load. Modelled fields come first in model_config.proto's usual
 * order, then `extra` as parsed; `parseModelConfig` reads the result back to an equal config.
 */
import { ChipqError } from '../errors.js';
import type {
  DataType,
  ModelConfig,
  ModelWarmupConfig,
  TensorConfig,
  TextEnum,
  TextMessage,
  VersionPolicy,
} from './model-config.js';
import { formatTextMessage } from './text-format-writer.js';

/** `'FP32'` -> `TYPE_FP32`, `'BYTES'` -> `TYPE_STRING`, as enum values. */
function dataTypeEnum(dataType: DataType): TextEnum {
  return { $enum: dataType === 'BYTES' ? 'TYPE_STRING' : `TYPE_${dataType}` };
}

/**
 * The config.pbtxt text of `config`. Defaults are written out (instance_group, version_policy,
 * max_batch_size) so the file says exactly what runs.
 * @throws ChipqError INVALID_INPUT when an `extra` field repeats a modelled one or holds an unwritable value.
 */
export function formatModelConfig(config: ModelConfig): string {
  return formatTextMessage(modelConfigToText(config));
}

/** The ModelConfig as a plain text-format tree (snake_case names, enum markers). */
export function modelConfigToText(config: ModelConfig): TextMessage {
  const tree: TextMessage = {};
  if (config.name) tree.name = config.name;
  if (config.platform) tree.platform = config.platform;
  if (config.backend) tree.backend = config.backend;
  if (config.defaultModelFilename !== undefined) tree.default_model_filename = config.defaultModelFilename;
  tree.max_batch_size = config.maxBatchSize;
  if (config.input.length > 0) tree.input = config.input.map((tensor) => tensorToText(tensor, 'input'));
  if (config.output.length > 0) tree.output = config.output.map((tensor) => tensorToText(tensor, 'output'));
  if (config.dynamicBatching) {
    const { preferredBatchSize, maxQueueDelayMicroseconds, preserveOrdering, extra } = config.dynamicBatching;
    const batching: TextMessage = {};
    if (preferredBatchSize.length > 0) batching.preferred_batch_size = preferredBatchSize;
    if (maxQueueDelayMicroseconds > 0) batching.max_queue_delay_microseconds = maxQueueDelayMicroseconds;
    if (preserveOrdering) batching.preserve_ordering = true;
    tree.dynamic_batching = withExtra(batching, extra, 'dynamic_batching');
  }
  tree.instance_group = config.instanceGroup.map((group, index) => {
    const text: TextMessage = group.name === undefined ? {} : { name: group.name };
    text.kind = { $enum: group.kind };
    text.count = group.count;
    if (group.gpus.length > 0) text.gpus = group.gpus;
    return withExtra(text, group.extra, `instance_group[${index}]`);
  });
  tree.version_policy = versionPolicyToText(config.versionPolicy);
  const parameters = Object.entries(config.parameters);
  if (parameters.length > 0)
    tree.parameters = parameters.map(([key, value]) => ({ key, value: { string_value: value } }));
  if (config.modelWarmup.length > 0) tree.model_warmup = config.modelWarmup.map(warmupToText);
  return withExtra(tree, config.extra, 'config');
}

function tensorToText(tensor: TensorConfig, kind: 'input' | 'output'): TextMessage {
  const text: TextMessage = { name: tensor.name, data_type: dataTypeEnum(tensor.dataType) };
  // ModelOutput has no format or optional field: Triton would refuse them.
  if (kind === 'input' && tensor.format !== 'NONE') text.format = { $enum: `FORMAT_${tensor.format}` };
  text.dims = tensor.dims;
  if (tensor.reshape) text.reshape = { shape: tensor.reshape };
  if (kind === 'input' && tensor.optional) text.optional = true;
  if (kind === 'output' && tensor.labelFilename !== undefined) text.label_filename = tensor.labelFilename;
  return withExtra(text, tensor.extra, `${kind} ${tensor.name}`);
}

function versionPolicyToText(policy: VersionPolicy): TextMessage {
  if (policy.kind === 'all') return { all: {} };
  if (policy.kind === 'latest') return { latest: { num_versions: policy.numVersions } };
  return { specific: { versions: policy.versions } };
}

function warmupToText(warmup: ModelWarmupConfig, index: number): TextMessage {
  const text: TextMessage = { name: warmup.name, batch_size: warmup.batchSize };
  const inputs = Object.entries(warmup.inputs).map(([key, input]) => {
    const value: TextMessage = { data_type: dataTypeEnum(input.dataType), dims: input.dims };
    if (input.zeroData !== undefined) value.zero_data = input.zeroData;
    if (input.randomData !== undefined) value.random_data = input.randomData;
    if (input.inputDataFile !== undefined) value.input_data_file = input.inputDataFile;
    return { key, value: withExtra(value, input.extra, `model_warmup[${index}].inputs.${key}`) };
  });
  // An empty map is written as no entries; `inputs: []` would be a list in proto JSON, not a map.
  if (inputs.length > 0) text.inputs = inputs;
  if (warmup.count > 0) text.count = warmup.count;
  return withExtra(text, warmup.extra, `model_warmup[${index}]`);
}

/** Appends `extra`; a name clash would write a field twice, which Triton rejects, so we refuse. */
function withExtra(text: TextMessage, extra: TextMessage | undefined, where: string): TextMessage {
  for (const [name, value] of Object.entries(extra ?? {})) {
    if (name in text) {
      throw new ChipqError('INVALID_INPUT', `extra field ${name} of ${where} repeats a modelled field`, {
        details: { field: `${where}.${name}` },
      });
    }
    text[name] = value;
  }
  return text;
}
