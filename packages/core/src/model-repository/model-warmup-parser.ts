/**
 * Maps one `model_warmup { ... }` message (ModelWarmup in model_config.proto) to a
 * ModelWarmupConfig: the sample's name, batch size, run count and its `inputs` map.
 */
import type { ModelWarmupConfig, ModelWarmupInput } from './model-config.js';
import { readDataType, readDims } from './tensor-config-parser.js';
import { textFormatError } from './text-format-error.js';
import type { TextNode } from './text-format-parser.js';
import {
  extraFields,
  groupFields,
  readBoolean,
  readInteger,
  readMessage,
  readString,
  repeatedValues,
  singleValue,
  UINT32_MAX,
} from './text-node-reader.js';

const INPUT_FIELDS = new Set(['data_type', 'dims', 'zero_data', 'random_data', 'input_data_file']);

/** `path` is e.g. `model_warmup[0]`. */
export function parseModelWarmup(node: TextNode, file: string, path: string): ModelWarmupConfig {
  const groups = groupFields(readMessage(node, file, path));
  const single = (name: string) => singleValue(groups, name, file, `${path}.${name}`);
  const name = single('name');
  const batchSize = single('batch_size');
  const count = single('count');
  const warmup: ModelWarmupConfig = {
    name: name ? readString(name, file, `${path}.name`) : '',
    batchSize: batchSize ? readInteger(batchSize, file, `${path}.batch_size`, 1, UINT32_MAX) : 1,
    inputs: {},
    count: count ? readInteger(count, file, `${path}.count`, 0, UINT32_MAX) : 0,
  };
  for (const entry of repeatedValues(groups, 'inputs')) {
    const entryGroups = groupFields(readMessage(entry, file, `${path}.inputs`));
    const key = singleValue(entryGroups, 'key', file, `${path}.inputs.key`);
    if (!key)
      throw textFormatError(file, entry.line, entry.column, 'warmup input has no key', `${path}.inputs.key`);
    const inputName = readString(key, file, `${path}.inputs.key`);
    const value = singleValue(entryGroups, 'value', file, `${path}.inputs.${inputName}`);
    if (!value)
      throw textFormatError(
        file,
        entry.line,
        entry.column,
        'warmup input has no value',
        `${path}.inputs.${inputName}`,
      );
    warmup.inputs[inputName] = parseWarmupInput(value, file, `${path}.inputs.${inputName}`);
  }
  const extra = extraFields(groups, new Set(['name', 'batch_size', 'inputs', 'count']));
  if (extra) warmup.extra = extra;
  return warmup;
}

function parseWarmupInput(node: TextNode, file: string, path: string): ModelWarmupInput {
  const message = readMessage(node, file, path);
  const groups = groupFields(message);
  const single = (name: string) => singleValue(groups, name, file, `${path}.${name}`);
  const dataType = single('data_type');
  if (!dataType)
    throw textFormatError(
      file,
      message.line,
      message.column,
      'warmup input has no data_type',
      `${path}.data_type`,
    );
  const input: ModelWarmupInput = {
    dataType: readDataType(dataType, file, `${path}.data_type`),
    dims: readDims(repeatedValues(groups, 'dims'), file, `${path}.dims`),
  };
  const zero = single('zero_data');
  const random = single('random_data');
  const dataFile = single('input_data_file');
  if (zero) input.zeroData = readBoolean(zero, file, `${path}.zero_data`);
  if (random) input.randomData = readBoolean(random, file, `${path}.random_data`);
  if (dataFile) input.inputDataFile = readString(dataFile, file, `${path}.input_data_file`);
  const extra = extraFields(groups, INPUT_FIELDS);
  if (extra) input.extra = extra;
  return input;
}
