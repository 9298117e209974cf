/**
 * `parseModelConfig`: Triton's `config.pbtxt` text to a typed ModelConfig. Parses the text format,
 * maps the fields chipq uses, applies Triton's defaults, validates what Triton would refuse, and
 * keeps every other field in `extra` so nothing is lost on the way back to Triton.
 */
import { ChipqError } from '../errors.js';
import type { ModelConfig, TensorConfig } from './model-config.js';
import { checkModelConfigLimits, modelConfigLimits } from './model-config-limits.js';
import {
  parseDynamicBatching,
  parseInstanceGroup,
  parseParameters,
  parseVersionPolicy,
} from './model-config-sections.js';
import { parseModelWarmup } from './model-warmup-parser.js';
import { parseTensorConfig } from './tensor-config-parser.js';
import { textFormatError } from './text-format-error.js';
import { parseTextFormat, type TextNode } from './text-format-parser.js';
import {
  extraFields,
  groupFields,
  INT32_MAX,
  readInteger,
  readString,
  repeatedValues,
  singleValue,
} from './text-node-reader.js';

export interface ParseModelConfigOptions {
  /** The file's path or name, used in error messages. Default: `config.pbtxt`. */
  file?: string;
  /** The model's name when the config has no `name` (Triton uses the folder's name). Default: `''`. */
  defaultName?: string;
}

/** platform <-> backend pairs Triton itself fills in; a backend maps back only where unambiguous. */
const BACKEND_OF_PLATFORM: Record<string, string> = {
  onnxruntime_onnx: 'onnxruntime',
  tensorrt_plan: 'tensorrt',
  pytorch_libtorch: 'pytorch',
  tensorflow_savedmodel: 'tensorflow',
  tensorflow_graphdef: 'tensorflow',
};
const PLATFORM_OF_BACKEND: Record<string, string> = {
  onnxruntime: 'onnxruntime_onnx',
  tensorrt: 'tensorrt_plan',
  pytorch: 'pytorch_libtorch',
};

const KNOWN_FIELDS = new Set([
  'name',
  'platform',
  'backend',
  'max_batch_size',
  'input',
  'output',
  'dynamic_batching',
  'instance_group',
  'version_policy',
  'parameters',
  'model_warmup',
  'default_model_filename',
]);

/**
 * Parses `text` (a config.pbtxt) into a ModelConfig.
 * Throws ChipqError MODEL_CONFIG_INVALID whose message names the file, line, column and field.
 */
export function parseModelConfig(text: string, options: ParseModelConfigOptions = {}): ModelConfig {
  const file = options.file ?? 'config.pbtxt';
  if (text.length > modelConfigLimits.textBytes)
    throw new ChipqError(
      'MODEL_CONFIG_INVALID',
      `${file}: is ${text.length} characters, more than ${modelConfigLimits.textBytes}`,
      { details: { file, field: 'config', limit: modelConfigLimits.textBytes } },
    );
  const groups = groupFields(parseTextFormat(text, file));
  const single = (name: string) => singleValue(groups, name, file, name);
  const string = (name: string) => {
    const node = single(name);
    return node === undefined ? undefined : readString(node, file, name);
  };
  const maxBatch = single('max_batch_size');
  const maxBatchSize = maxBatch ? readInteger(maxBatch, file, 'max_batch_size', 0, INT32_MAX) : 0;
  const platform = string('platform') ?? '';
  const backend = string('backend') ?? '';
  const dynamicBatching = single('dynamic_batching');
  const versionPolicy = single('version_policy');
  const instanceGroups = repeatedValues(groups, 'instance_group');
  const config: ModelConfig = {
    name: string('name') ?? options.defaultName ?? '',
    platform: platform || (PLATFORM_OF_BACKEND[backend] ?? ''),
    backend: backend || (BACKEND_OF_PLATFORM[platform] ?? ''),
    maxBatchSize,
    input: parseTensors(repeatedValues(groups, 'input'), 'input', file),
    output: parseTensors(repeatedValues(groups, 'output'), 'output', file),
    instanceGroup:
      instanceGroups.length > 0
        ? instanceGroups.map((node, index) => parseInstanceGroup(node, file, `instance_group[${index}]`))
        : [{ count: 1, kind: 'KIND_AUTO', gpus: [] }],
    versionPolicy: versionPolicy
      ? parseVersionPolicy(versionPolicy, file)
      : { kind: 'latest', numVersions: 1 },
    parameters: parseParameters(repeatedValues(groups, 'parameters'), file),
    modelWarmup: repeatedValues(groups, 'model_warmup').map((node, i) =>
      parseModelWarmup(node, file, `model_warmup[${i}]`),
    ),
    extra: extraFields(groups, KNOWN_FIELDS) ?? {},
  };
  if (dynamicBatching) config.dynamicBatching = parseDynamicBatching(dynamicBatching, maxBatchSize, file);
  const modelFile = string('default_model_filename');
  if (modelFile !== undefined) config.defaultModelFilename = modelFile;
  checkModelConfigLimits(config, file);
  return config;
}

/** Maps every `input`/`output` message and rejects a name given twice, as Triton does. */
function parseTensors(nodes: TextNode[], kind: 'input' | 'output', file: string): TensorConfig[] {
  const seen = new Map<string, number>();
  return nodes.map((node, index) => {
    const tensor = parseTensorConfig(node, kind, file, `${kind}[${index}]`);
    const first = seen.get(tensor.name);
    if (first !== undefined) {
      const message = `${kind} "${tensor.name}" is declared twice (first at line ${first})`;
      throw textFormatError(file, node.line, node.column, message, `${kind}[${index}].name`);
    }
    seen.set(tensor.name, node.line);
    return tensor;
  });
}
