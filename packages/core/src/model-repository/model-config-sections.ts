/**
 * Maps the scheduling-related messages of config.pbtxt — dynamic_batching, instance_group,
 * version_policy and the parameters map — to their typed form, applying Triton's defaults.
 */
import type {
  DynamicBatchingConfig,
  InstanceGroupConfig,
  InstanceKind,
  VersionPolicy,
} from './model-config.js';
import { textFormatError } from './text-format-error.js';
import type { TextNode } from './text-format-parser.js';
import {
  extraFields,
  groupFields,
  INT32_MAX,
  readBoolean,
  readEnum,
  readInteger,
  readMessage,
  readString,
  repeatedValues,
  singleValue,
  UINT32_MAX,
} from './text-node-reader.js';

const KINDS: readonly InstanceKind[] = ['KIND_AUTO', 'KIND_GPU', 'KIND_CPU', 'KIND_MODEL'];

/** `dynamic_batching { ... }`; `maxBatchSize` > 0 bounds the preferred sizes, as Triton checks. */
export function parseDynamicBatching(
  node: TextNode,
  maxBatchSize: number,
  file: string,
): DynamicBatchingConfig {
  const path = 'dynamic_batching';
  const groups = groupFields(readMessage(node, file, path));
  const preferredBatchSize = repeatedValues(groups, 'preferred_batch_size').map((size) => {
    const value = readInteger(size, file, `${path}.preferred_batch_size`, 1, INT32_MAX);
    if (maxBatchSize > 0 && value > maxBatchSize) {
      const message = `preferred_batch_size ${value} is larger than max_batch_size ${maxBatchSize}`;
      throw textFormatError(file, size.line, size.column, message, `${path}.preferred_batch_size`);
    }
    return value;
  });
  const delay = singleValue(
    groups,
    'max_queue_delay_microseconds',
    file,
    `${path}.max_queue_delay_microseconds`,
  );
  const ordering = singleValue(groups, 'preserve_ordering', file, `${path}.preserve_ordering`);
  const config: DynamicBatchingConfig = {
    preferredBatchSize,
    maxQueueDelayMicroseconds: delay
      ? readInteger(delay, file, `${path}.max_queue_delay_microseconds`, 0)
      : 0,
    preserveOrdering: ordering ? readBoolean(ordering, file, `${path}.preserve_ordering`) : false,
  };
  const extra = extraFields(
    groups,
    new Set(['preferred_batch_size', 'max_queue_delay_microseconds', 'preserve_ordering']),
  );
  if (extra) config.extra = extra;
  return config;
}

/** One `instance_group { ... }`: count defaults to 1 and kind to KIND_AUTO. */
export function parseInstanceGroup(node: TextNode, file: string, path: string): InstanceGroupConfig {
  const groups = groupFields(readMessage(node, file, path));
  const single = (name: string) => singleValue(groups, name, file, `${path}.${name}`);
  const name = single('name');
  const count = single('count');
  const kind = single('kind');
  const group: InstanceGroupConfig = {
    count: count ? readInteger(count, file, `${path}.count`, 1, INT32_MAX) : 1,
    kind: kind ? readEnum(kind, file, `${path}.kind`, KINDS) : 'KIND_AUTO',
    gpus: repeatedValues(groups, 'gpus').map((gpu) => readInteger(gpu, file, `${path}.gpus`, 0, INT32_MAX)),
  };
  if (name) group.name = readString(name, file, `${path}.name`);
  const extra = extraFields(groups, new Set(['name', 'count', 'kind', 'gpus']));
  if (extra) group.extra = extra;
  return group;
}

/** `version_policy { latest { num_versions: N } | all {} | specific { versions: [...] } }`. */
export function parseVersionPolicy(node: TextNode, file: string): VersionPolicy {
  const path = 'version_policy';
  const message = readMessage(node, file, path);
  const [choice, second] = message.fields;
  if (!choice || second) {
    const at = second ?? message;
    throw textFormatError(file, at.line, at.column, 'expected exactly one of latest, all or specific', path);
  }
  const inner = groupFields(readMessage(choice.value, file, `${path}.${choice.name}`));
  if (choice.name === 'all') return { kind: 'all' };
  if (choice.name === 'latest') {
    const count = singleValue(inner, 'num_versions', file, `${path}.latest.num_versions`);
    // Triton refuses num_versions 0; absent means the default of 1.
    return {
      kind: 'latest',
      numVersions: count ? readInteger(count, file, `${path}.latest.num_versions`, 1, UINT32_MAX) : 1,
    };
  }
  if (choice.name === 'specific') {
    const versions = repeatedValues(inner, 'versions').map((v) =>
      readInteger(v, file, `${path}.specific.versions`, 1),
    );
    return { kind: 'specific', versions };
  }
  throw textFormatError(
    file,
    choice.line,
    choice.column,
    `expected latest, all or specific, got ${choice.name}`,
    path,
  );
}

/** The `parameters` map (`key: "k" value: { string_value: "v" }` entries) flattened to k -> v. */
export function parseParameters(entries: TextNode[], file: string): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const entry of entries) {
    const groups = groupFields(readMessage(entry, file, 'parameters'));
    const key = singleValue(groups, 'key', file, 'parameters.key');
    if (!key) throw textFormatError(file, entry.line, entry.column, 'parameter has no key', 'parameters.key');
    const name = readString(key, file, 'parameters.key');
    const value = singleValue(groups, 'value', file, `parameters.${name}.value`);
    const inner = value ? groupFields(readMessage(value, file, `parameters.${name}.value`)) : new Map();
    const text = singleValue(inner, 'string_value', file, `parameters.${name}.value.string_value`);
    parameters[name] = text ? readString(text, file, `parameters.${name}.value.string_value`) : '';
  }
  return parameters;
}
