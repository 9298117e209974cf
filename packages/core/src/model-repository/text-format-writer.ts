/**
 * Writes plain text-format values (TextMessage, as `extra` holds them) back to protobuf text
 * format in the layout Triton's own examples use: `name: value`, `field { ... }`, scalar lists as
 * `dims: [ 3, 640, 640 ]` and message lists as `input [ { ... }, { ... } ]`. What it writes, the
 * parser reads back to the same value.
 */
import { ChipqError } from '../errors.js';
import type { TextMessage, TextValue } from './model-config.js';

const INDENT = '  ';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The text of a message's fields, one per line, indented by `depth` levels. Default depth 0. */
export function formatTextMessage(message: TextMessage, depth = 0): string {
  return Object.entries(message)
    .map(([name, value]) => formatField(name, value, depth))
    .join('');
}

function isMessage(value: TextValue): value is TextMessage {
  return typeof value === 'object' && !Array.isArray(value) && !('$enum' in value);
}

function formatField(name: string, value: TextValue, depth: number): string {
  const pad = INDENT.repeat(depth);
  if (!Array.isArray(value)) {
    return isMessage(value)
      ? `${pad}${name} ${formatMessageBody(value, depth)}\n`
      : `${pad}${name}: ${formatScalar(value, name)}\n`;
  }
  if (value.length === 0) return `${pad}${name}: []\n`;
  if (value.some(Array.isArray)) {
    throw new ChipqError('INVALID_INPUT', `cannot write ${name}: text format has no lists of lists`, {
      details: { field: name },
    });
  }
  if (value.every(isMessage)) {
    const items = value.map((item) => `${pad}${INDENT}${formatMessageBody(item as TextMessage, depth + 1)}`);
    return `${pad}${name} [\n${items.join(',\n')}\n${pad}]\n`;
  }
  if (!value.some(isMessage))
    return `${pad}${name}: [ ${value.map((item) => formatScalar(item, name)).join(', ')} ]\n`;
  // Messages and scalars under one name cannot come from the parser; write them one by one.
  return value.map((item) => formatField(name, item, depth)).join('');
}

function formatMessageBody(message: TextMessage, depth: number): string {
  const body = formatTextMessage(message, depth + 1);
  return body === '' ? '{}' : `{\n${body}${INDENT.repeat(depth)}}`;
}

/** One scalar: quoted string, number (inf/nan spelled as text format does), bool or bare enum. */
function formatScalar(value: TextValue, field = ''): string {
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    return String(value);
  }
  if (
    !Array.isArray(value) &&
    '$enum' in value &&
    typeof value.$enum === 'string' &&
    IDENTIFIER.test(value.$enum)
  ) {
    return value.$enum;
  }
  throw new ChipqError(
    'INVALID_INPUT',
    `cannot write ${JSON.stringify(value)} as a text-format value of ${field}`,
    {
      details: { field },
    },
  );
}

/** A double-quoted string; control characters as octal escapes, other Unicode as UTF-8 text. */
function quoteString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) as number;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += char;
  }
  return `${out}"`;
}
