/**
 * `modelConfigToJson`: a ModelConfig in the protobuf JSON mapping of Triton's ModelConfig
 * (model_config.proto, r24.10), which is what Triton's RepositoryModelLoad takes as its `config`
 * parameter (serialised with JSON.stringify). Field names stay lower_snake_case as in the .proto,
 * which protobuf's JSON parser accepts alongside lowerCamelCase.
 *
 * Typing follows the mapping: enums by name, uint64 max_queue_delay_microseconds as a string
 * (64-bit integers are strings in proto JSON; Triton's own config JSON writes them so), maps as
 * objects. dims and versions (int64) stay numbers, which the parser also accepts, so shapes read
 * naturally.
 */
import type { ModelConfig, TextMessage, TextValue } from './model-config.js';
import { modelConfigToText } from './model-config-formatter.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A ModelConfig in protobuf JSON form (see `modelConfigToJson`). */
export type ModelConfigJson = { [key: string]: JsonValue };
type JsonObject = ModelConfigJson;

/**
 * Repeated fields of model_config.proto r24.10 that chipq does not model. `extra` holds a field
 * given once as a single value; proto JSON needs an array for these.
 */
const REPEATED_FIELDS = new Set([
  'batch_input',
  'batch_output',
  'target_name',
  'source_input',
  'graph_spec',
  'dim',
  'dims',
  'shape',
  'gpu_execution_accelerator',
  'cpu_execution_accelerator',
  'control_input',
  'control',
  'int32_false_true',
  'fp32_false_true',
  'bool_false_true',
  'state',
  'initial_state',
  'step',
  'op_library_filename',
  'agents',
  'metric_control',
  'buckets',
  'resources',
  'secondary_devices',
  'profile',
  'gpus',
]);

/** The protobuf JSON form of `config`, ready for Triton's load-with-config. */
export function modelConfigToJson(config: ModelConfig): ModelConfigJson {
  // The text tree already has proto names, enum markers, map entries and every extra in place;
  // only uint64 differs between its text form (a number) and its JSON form (a string).
  const json = messageToJson(modelConfigToText(config));
  const batching = json.dynamic_batching;
  if (isObject(batching) && typeof batching.max_queue_delay_microseconds === 'number') {
    batching.max_queue_delay_microseconds = String(batching.max_queue_delay_microseconds);
  }
  return json;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A plain text-format message as proto JSON, best effort without the schema. */
function messageToJson(message: TextMessage): JsonObject {
  const json: JsonObject = {};
  for (const [name, value] of Object.entries(message)) {
    const items = Array.isArray(value) ? value : [value];
    if (items.length > 0 && items.every(isMapEntry)) {
      // `key: .. value: ..` entries are a map field (input_map, metric_tags, ...): an object in JSON.
      json[name] = Object.fromEntries(
        items.map((entry) => {
          const { key, value: entryValue } = entry as TextMessage;
          return [String(key), valueToJson(entryValue as TextValue)];
        }),
      );
    } else if (Array.isArray(value) || REPEATED_FIELDS.has(name)) {
      json[name] = items.map(valueToJson);
    } else {
      json[name] = valueToJson(value);
    }
  }
  return json;
}

function isMapEntry(value: TextValue): boolean {
  if (typeof value !== 'object' || Array.isArray(value) || '$enum' in value) return false;
  const keys = Object.keys(value);
  return keys.length === 2 && 'key' in value && 'value' in value;
}

function valueToJson(value: TextValue): JsonValue {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    return Number.isFinite(value) ? value : value > 0 ? 'Infinity' : '-Infinity';
  }
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(valueToJson);
  if ('$enum' in value && typeof value.$enum === 'string') return value.$enum;
  return messageToJson(value as TextMessage);
}
