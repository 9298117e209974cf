/**
 * Limits on what a config.pbtxt may ask for, checked after parsing and before anything is
 * allocated, written or started (issue 10). A config is user input on the deploy endpoint: a
 * single `dims: [1000000000]` or `instance_group { count: 10000 }` would otherwise exhaust the
 * machine, and a file name with `/` or `..` would read or write outside the model's folder.
 * Each violation is a MODEL_CONFIG_INVALID error (HTTP 422) naming the field and the limit.
 */
import { ChipqError } from '../errors.js';
import type { ModelConfig, TensorConfig } from './model-config.js';

export const modelConfigLimits = {
  /** Bytes of config.pbtxt text. */
  textBytes: 1024 * 1024,
  /** Nesting depth of messages and lists in the text. */
  nestingDepth: 32,
  /** Characters of any string value (names, file names, parameters). */
  stringLength: 1024,
  /** Characters of a file name (`default_model_filename`, `label_filename`). */
  fileNameLength: 255,
  /** Inputs plus outputs. */
  tensors: 64,
  /** Dimensions of one tensor. */
  rank: 8,
  /** Size of one dimension. */
  dimension: 1 << 20,
  /** Elements of one tensor for one request (the batch dimension excluded). */
  elements: 64 * 1024 * 1024,
  /** `max_batch_size`. */
  maxBatchSize: 1024,
  /** Instances over all instance groups. */
  instances: 64,
  /** Warm-up samples. */
  warmupSamples: 16,
} as const;

/** A plain file name: no separators, no `..`, not absolute, no control characters. */
const plainFileName = /^(?!\.\.?$)[^/\\\p{Cc}]+$/u;

function limitError(file: string, field: string, message: string, limit: number | string): ChipqError {
  return new ChipqError('MODEL_CONFIG_INVALID', `${file}: ${field} ${message}`, {
    details: { file, field, limit },
  });
}

/** Throws MODEL_CONFIG_INVALID unless `name` is a plain file name inside the model's folder. */
function checkFileName(name: string, file: string, field: string): void {
  if (name.length > modelConfigLimits.fileNameLength)
    throw limitError(
      file,
      field,
      `is longer than ${modelConfigLimits.fileNameLength} characters`,
      modelConfigLimits.fileNameLength,
    );
  if (!plainFileName.test(name))
    throw limitError(
      file,
      field,
      `must be a plain file name in the model's folder (no /, \\, .. or absolute path), got ${JSON.stringify(name.slice(0, 100))}`,
      'a plain file name',
    );
}

function checkTensor(tensor: TensorConfig, field: string, file: string): void {
  const { rank, dimension, elements, stringLength } = modelConfigLimits;
  if (tensor.name.length > stringLength)
    throw limitError(file, `${field}.name`, `is longer than ${stringLength} characters`, stringLength);
  for (const [shapeField, shape] of [
    ['dims', tensor.dims],
    ['reshape.shape', tensor.reshape ?? []],
  ] as const) {
    if (shape.length > rank)
      throw limitError(
        file,
        `${field}.${shapeField}`,
        `has ${shape.length} dimensions, more than ${rank}`,
        rank,
      );
    const tooBig = shape.find((d) => d > dimension);
    if (tooBig !== undefined)
      throw limitError(
        file,
        `${field}.${shapeField}`,
        `has a dimension of ${tooBig}, more than ${dimension}`,
        dimension,
      );
    const count = shape.reduce((n, d) => n * Math.max(d, 1), 1);
    if (count > elements)
      throw limitError(
        file,
        `${field}.${shapeField}`,
        `has ${count} elements, more than ${elements}`,
        elements,
      );
  }
  if (tensor.labelFilename !== undefined)
    checkFileName(tensor.labelFilename, file, `${field}.label_filename`);
}

/** Checks every limit above on a parsed config; `file` names it in the messages. */
export function checkModelConfigLimits(config: ModelConfig, file: string): void {
  const limits = modelConfigLimits;
  if (config.name.length > limits.stringLength)
    throw limitError(file, 'name', `is longer than ${limits.stringLength} characters`, limits.stringLength);
  if (config.input.length + config.output.length > limits.tensors)
    throw limitError(file, 'input/output', `declare more than ${limits.tensors} tensors`, limits.tensors);
  if (config.maxBatchSize > limits.maxBatchSize)
    throw limitError(
      file,
      'max_batch_size',
      `is ${config.maxBatchSize}, more than ${limits.maxBatchSize}`,
      limits.maxBatchSize,
    );
  for (const [i, tensor] of config.input.entries()) checkTensor(tensor, `input[${i}]`, file);
  for (const [i, tensor] of config.output.entries()) checkTensor(tensor, `output[${i}]`, file);
  const instances = config.instanceGroup.reduce((n, group) => n + group.count, 0);
  if (instances > limits.instances)
    throw limitError(
      file,
      'instance_group.count',
      `asks for ${instances} instances, more than ${limits.instances}`,
      limits.instances,
    );
  if (config.modelWarmup.length > limits.warmupSamples)
    throw limitError(
      file,
      'model_warmup',
      `has ${config.modelWarmup.length} samples, more than ${limits.warmupSamples}`,
      limits.warmupSamples,
    );
  if (config.defaultModelFilename !== undefined)
    checkFileName(config.defaultModelFilename, file, 'default_model_filename');
}
