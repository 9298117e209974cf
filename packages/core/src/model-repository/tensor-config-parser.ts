/**
 * Maps one `input { ... }` or `output { ... }` message of config.pbtxt (ModelInput / ModelOutput in
 * model_config.proto) to a TensorConfig, with Triton's checks on names, types and dims.
 */
import type { DataType, TensorConfig, TensorFormat } from './model-config.js';
import { textFormatError } from './text-format-error.js';
import type { TextMessageNode, TextNode } from './text-format-parser.js';
import {
  extraFields,
  groupFields,
  readBoolean,
  readEnum,
  readInteger,
  readMessage,
  readString,
  repeatedValues,
  singleValue,
} from './text-node-reader.js';

/** Triton's DataType enum names; TYPE_STRING is KServe's BYTES. */
const DATA_TYPES: Record<string, DataType> = {
  TYPE_BOOL: 'BOOL',
  TYPE_UINT8: 'UINT8',
  TYPE_UINT16: 'UINT16',
  TYPE_UINT32: 'UINT32',
  TYPE_UINT64: 'UINT64',
  TYPE_INT8: 'INT8',
  TYPE_INT16: 'INT16',
  TYPE_INT32: 'INT32',
  TYPE_INT64: 'INT64',
  TYPE_FP16: 'FP16',
  TYPE_FP32: 'FP32',
  TYPE_FP64: 'FP64',
  TYPE_BF16: 'BF16',
  TYPE_STRING: 'BYTES',
};

const FORMATS = ['FORMAT_NONE', 'FORMAT_NHWC', 'FORMAT_NCHW'] as const;
const INPUT_FIELDS = new Set(['name', 'data_type', 'format', 'dims', 'reshape', 'optional']);
const OUTPUT_FIELDS = new Set(['name', 'data_type', 'dims', 'reshape', 'label_filename']);

/** Reads `data_type: TYPE_X` as `'X'`. */
export function readDataType(node: TextNode, file: string, path: string): DataType {
  const dataType = node.kind === 'identifier' ? DATA_TYPES[node.value] : undefined;
  if (dataType) return dataType;
  const got = node.kind === 'identifier' ? node.value : node.kind;
  const message = `unknown data_type ${got}; expected one of ${Object.keys(DATA_TYPES).join(', ')}`;
  throw textFormatError(file, node.line, node.column, message, path);
}

/** Reads a dims-like list: integers, each -1 (variable) or >= 0. */
export function readDims(values: TextNode[], file: string, path: string): number[] {
  return values.map((node) => {
    const dim = readInteger(node, file, path);
    if (dim < -1)
      throw textFormatError(file, node.line, node.column, `expected -1 or a size >= 0, got ${dim}`, path);
    return dim;
  });
}

/** Maps `input` (kind 'input') or `output` messages; `path` is e.g. `input[0]`. */
export function parseTensorConfig(
  node: TextNode,
  kind: 'input' | 'output',
  file: string,
  path: string,
): TensorConfig {
  const message: TextMessageNode = readMessage(node, file, path);
  const groups = groupFields(message);
  const single = (name: string) => singleValue(groups, name, file, `${path}.${name}`);
  const nameNode = single('name');
  if (nameNode === undefined)
    throw textFormatError(file, message.line, message.column, `${kind} has no name`, `${path}.name`);
  const dataTypeNode = single('data_type');
  if (dataTypeNode === undefined) {
    throw textFormatError(
      file,
      message.line,
      message.column,
      `${kind} has no data_type`,
      `${path}.data_type`,
    );
  }
  const tensor: TensorConfig = {
    name: readString(nameNode, file, `${path}.name`),
    dataType: readDataType(dataTypeNode, file, `${path}.data_type`),
    dims: readDims(repeatedValues(groups, 'dims'), file, `${path}.dims`),
    format: 'NONE',
    optional: false,
  };
  const format = kind === 'input' ? single('format') : undefined;
  if (format)
    tensor.format = readEnum(format, file, `${path}.format`, FORMATS).slice('FORMAT_'.length) as TensorFormat;
  const reshape = single('reshape');
  if (reshape) {
    const reshapeGroups = groupFields(readMessage(reshape, file, `${path}.reshape`));
    tensor.reshape = readDims(repeatedValues(reshapeGroups, 'shape'), file, `${path}.reshape.shape`);
  }
  const optional = kind === 'input' ? single('optional') : undefined;
  if (optional) tensor.optional = readBoolean(optional, file, `${path}.optional`);
  const label = kind === 'output' ? single('label_filename') : undefined;
  if (label) tensor.labelFilename = readString(label, file, `${path}.label_filename`);
  const extra = extraFields(groups, kind === 'input' ? INPUT_FIELDS : OUTPUT_FIELDS);
  if (extra) tensor.extra = extra;
  return tensor;
}
