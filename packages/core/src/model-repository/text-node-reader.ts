/**
 * Typed reads from the schema-less text-format tree: "this field holds one integer >= 0", "this
 * field is a list of ints", "this message's other fields, kept as plain values". Every mismatch
 * becomes a MODEL_CONFIG_INVALID error at the value's line and column, naming the field path.
 */
import type { TextMessage, TextValue } from './model-config.js';
import { textFormatError } from './text-format-error.js';
import type { TextField, TextMessageNode, TextNode } from './text-format-parser.js';

/** Fields of a message grouped by name, in the order they first appear. */
export function groupFields(message: TextMessageNode): Map<string, TextField[]> {
  const groups = new Map<string, TextField[]>();
  for (const field of message.fields) {
    const group = groups.get(field.name);
    if (group) group.push(field);
    else groups.set(field.name, [field]);
  }
  return groups;
}

/** The value of a singular field, or undefined when absent. A second occurrence is an error, as in protobuf. */
export function singleValue(
  groups: Map<string, TextField[]>,
  name: string,
  file: string,
  path: string,
): TextNode | undefined {
  const [first, second] = groups.get(name) ?? [];
  if (second && first) {
    throw textFormatError(
      file,
      second.line,
      second.column,
      `${name} is given more than once (first at line ${first.line})`,
      path,
    );
  }
  if (first?.value.kind === 'list') {
    throw textFormatError(
      file,
      first.value.line,
      first.value.column,
      'expected a single value, got a list',
      path,
    );
  }
  return first?.value;
}

/** Every value of a repeated field, whether given repeatedly, as `[a, b]`, or both. */
export function repeatedValues(groups: Map<string, TextField[]>, name: string): TextNode[] {
  return (groups.get(name) ?? []).flatMap((field) =>
    field.value.kind === 'list' ? field.value.items : [field.value],
  );
}

function describe(node: TextNode): string {
  if (node.kind === 'string') return `the string ${JSON.stringify(node.value)}`;
  if (node.kind === 'number') return node.text;
  if (node.kind === 'identifier') return node.value;
  return node.kind === 'message' ? 'a message' : 'a list';
}

function mismatch(node: TextNode, expected: string, file: string, path: string) {
  return textFormatError(file, node.line, node.column, `expected ${expected}, got ${describe(node)}`, path);
}

export function readString(node: TextNode, file: string, path: string): string {
  if (node.kind !== 'string') throw mismatch(node, 'a quoted string', file, path);
  return node.value;
}

/** The upper bounds of model_config.proto's int32 and uint32 fields, for `readInteger`. */
export const INT32_MAX = 0x7fff_ffff;
export const UINT32_MAX = 0xffff_ffff;

/** An integer within [min, max] (default: any safe integer). */
export function readInteger(
  node: TextNode,
  file: string,
  path: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (node.kind !== 'number' || !node.integer) throw mismatch(node, 'an integer', file, path);
  if (node.value < min || node.value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `between ${min} and ${max}`;
    throw mismatch(node, `an integer ${range}`, file, path);
  }
  return node.value;
}

const TRUE = new Set(['true', 'True', 't']);
const FALSE = new Set(['false', 'False', 'f']);

/** Text format accepts true/True/t and false/False/f, and 1 and 0. */
export function readBoolean(node: TextNode, file: string, path: string): boolean {
  if (node.kind === 'identifier' && TRUE.has(node.value)) return true;
  if (node.kind === 'identifier' && FALSE.has(node.value)) return false;
  if (node.kind === 'number' && node.integer && (node.value === 0 || node.value === 1))
    return node.value === 1;
  throw mismatch(node, 'true or false', file, path);
}

/** A bare enum identifier from `allowed`. */
export function readEnum<T extends string>(
  node: TextNode,
  file: string,
  path: string,
  allowed: readonly T[],
): T {
  if (node.kind === 'identifier' && (allowed as readonly string[]).includes(node.value))
    return node.value as T;
  throw mismatch(node, `one of ${allowed.join(', ')}`, file, path);
}

export function readMessage(node: TextNode, file: string, path: string): TextMessageNode {
  if (node.kind !== 'message') throw mismatch(node, 'a message { ... }', file, path);
  return node;
}

/** The fields of `groups` not in `known`, as plain values; undefined when there are none. */
export function extraFields(
  groups: Map<string, TextField[]>,
  known: ReadonlySet<string>,
): TextMessage | undefined {
  const extra: TextMessage = {};
  for (const [name, fields] of groups) {
    if (!known.has(name)) extra[name] = toTextValue(fields);
  }
  return Object.keys(extra).length > 0 ? extra : undefined;
}

/** A field's plain value: one occurrence stays a scalar or message, a repeat or a `[...]` becomes an array. */
function toTextValue(fields: TextField[]): TextValue {
  const [only] = fields;
  if (fields.length === 1 && only && only.value.kind !== 'list') return nodeValue(only.value);
  return fields
    .flatMap((field) => (field.value.kind === 'list' ? field.value.items : [field.value]))
    .map(nodeValue);
}

function nodeValue(node: TextNode): TextValue {
  switch (node.kind) {
    case 'string':
    case 'number':
      return node.value;
    case 'identifier':
      if (TRUE.has(node.value) || FALSE.has(node.value)) return TRUE.has(node.value);
      if (/^(inf|infinity)$/i.test(node.value)) return Number.POSITIVE_INFINITY;
      if (/^nan$/i.test(node.value)) return Number.NaN;
      return { $enum: node.value };
    case 'list':
      return node.items.map(nodeValue);
    case 'message':
      return extraFields(groupFields(node), new Set()) ?? {};
  }
}
