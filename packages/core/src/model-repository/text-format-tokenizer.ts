/**
 * Tokenizer for the protobuf text format (the syntax of Triton's `config.pbtxt`). It knows the
 * lexical grammar only — identifiers, numbers, quoted strings, punctuation, `#` comments — and
 * tags every token with its 1-based line and column so errors can point at the exact spot.
 *
 * We write our own because no maintained npm package parses text format without the `.proto`
 * schema, and protobufjs (what @grpc/proto-loader uses) does not read text format at all.
 */
import { textFormatError } from './text-format-error.js';

type TokenKind = 'identifier' | 'number' | 'string' | 'symbol' | 'end';

export interface Token {
  kind: TokenKind;
  /** Source text for identifiers, numbers and symbols; the decoded value for strings. */
  text: string;
  line: number;
  column: number;
}

const SYMBOLS = new Set(['{', '}', '<', '>', '[', ']', ':', ',', ';', '-', '.', '/']);
// Sticky (`y`) patterns match at `lastIndex`, so the tokenizer never copies the rest of the text.
const NUMBER = /(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fF]?)/y;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;
const WORD = /[^\s]*/y;
const IDENTIFIER_CHAR = /[A-Za-z0-9_]/;

/** Splits `text` into tokens, ending with one `end` token. Throws MODEL_CONFIG_INVALID naming `file`. */
export function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let line = 1;
  let lineStart = 0;
  while (index < text.length) {
    const char = text[index] as string;
    const column = index - lineStart + 1;
    if (char === '\n') {
      index += 1;
      line += 1;
      lineStart = index;
    } else if (char === ' ' || char === '\t' || char === '\r' || char === '\f' || char === '\v') {
      index += 1;
    } else if (char === '#') {
      while (index < text.length && text[index] !== '\n') index += 1;
    } else if (char === '"' || char === "'") {
      const { value, end } = readString(text, index, file, line, column);
      tokens.push({ kind: 'string', text: value, line, column });
      index = end;
    } else {
      const number = /[\d.]/.test(char) ? matchAt(NUMBER, text, index) : undefined;
      const match = number ?? matchAt(IDENTIFIER, text, index);
      if (match) {
        // "12abc" is neither a number nor an identifier; say so rather than split it silently.
        if (IDENTIFIER_CHAR.test(text[index + match.length] ?? '')) {
          const word = matchAt(WORD, text, index);
          throw textFormatError(file, line, column, `expected a number or a name, got "${word}"`);
        }
        tokens.push({ kind: number ? 'number' : 'identifier', text: match, line, column });
        index += match.length;
      } else if (SYMBOLS.has(char)) {
        tokens.push({ kind: 'symbol', text: char, line, column });
        index += 1;
      } else {
        throw textFormatError(file, line, column, `unexpected character "${char}"`);
      }
    }
  }
  tokens.push({ kind: 'end', text: '', line, column: index - lineStart + 1 });
  return tokens;
}

function matchAt(pattern: RegExp, text: string, index: number): string | undefined {
  pattern.lastIndex = index;
  return pattern.exec(text)?.[0];
}

const SIMPLE_ESCAPES: Record<string, number> = {
  n: 10,
  t: 9,
  r: 13,
  a: 7,
  b: 8,
  f: 12,
  v: 11,
  '\\': 92,
  "'": 39,
  '"': 34,
  '?': 63,
};

/**
 * Reads a quoted string starting at `start`. Text-format strings are byte strings: `\x41` and
 * `\101` are bytes, so we collect UTF-8 bytes and decode once at the end.
 */
function readString(text: string, start: number, file: string, line: number, column: number) {
  const quote = text[start];
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  let index = start + 1;
  for (;;) {
    const char = text[index];
    if (char === undefined || char === '\n') {
      throw textFormatError(file, line, column, `expected a closing ${quote} for the string started here`);
    }
    index += 1;
    if (char === quote) break;
    if (char !== '\\') {
      const codePoint = text.codePointAt(index - 1) as number;
      if (codePoint > 0xffff) index += 1;
      bytes.push(...encoder.encode(String.fromCodePoint(codePoint)));
      continue;
    }
    const escapeChar = text[index] ?? '';
    const escapeColumn = column + (index - 1 - start);
    index += 1;
    const simple = SIMPLE_ESCAPES[escapeChar];
    const hex = escapeChar === 'x' || escapeChar === 'X' ? /^[0-9a-fA-F]{1,2}/.exec(text.slice(index)) : null;
    const octal = /^[0-7]{1,3}/.exec(text.slice(index - 1));
    const unicode =
      escapeChar === 'u'
        ? /^[0-9a-fA-F]{4}/.exec(text.slice(index))
        : escapeChar === 'U'
          ? /^[0-9a-fA-F]{8}/.exec(text.slice(index))
          : null;
    if (simple !== undefined) {
      bytes.push(simple);
    } else if (hex) {
      bytes.push(Number.parseInt(hex[0], 16));
      index += hex[0].length;
    } else if (octal) {
      bytes.push(Number.parseInt(octal[0], 8) & 0xff);
      index += octal[0].length - 1;
    } else if (unicode && Number.parseInt(unicode[0], 16) <= 0x10ffff) {
      bytes.push(...encoder.encode(String.fromCodePoint(Number.parseInt(unicode[0], 16))));
      index += unicode[0].length;
    } else {
      throw textFormatError(
        file,
        line,
        escapeColumn,
        `expected a valid escape sequence, got "\\${escapeChar}"`,
      );
    }
  }
  return { value: new TextDecoder().decode(new Uint8Array(bytes)), end: index };
}
