/**
 * Parser for the protobuf text format without a schema: it turns `config.pbtxt` into a generic
 * tree of fields and values that keeps every field (repeats included, in order) with its line and
 * column. Typing the tree (is `dims` a list of ints?) is `model-config-parser.ts`'s job.
 *
 * Grammar accepted, as protobuf's own TextFormat parser does: `name: value`, messages as
 * `name { ... }`, `name: { ... }` or `name < ... >`, lists `name: [a, b]` and `name [{...}, {...}]`,
 * strings in either quote (adjacent strings concatenate), signed/hex/float numbers, bare
 * identifiers (enums, booleans, inf/nan), `[extension.names]`, and optional `,` or `;` after a field.
 */
import { textFormatError } from './text-format-error.js';
import { type Token, tokenize } from './text-format-tokenizer.js';

/** Deepest nesting of messages accepted (config.pbtxt needs 4 or 5). */
const maxNestingDepth = 32;

interface TextPosition {
  line: number;
  column: number;
}

export type TextNode =
  | ({ kind: 'string'; value: string } & TextPosition)
  | ({ kind: 'number'; value: number; text: string; integer: boolean } & TextPosition)
  | ({ kind: 'identifier'; value: string } & TextPosition)
  | TextMessageNode
  | ({ kind: 'list'; items: TextNode[] } & TextPosition);

export interface TextMessageNode extends TextPosition {
  kind: 'message';
  fields: TextField[];
}

export interface TextField extends TextPosition {
  name: string;
  value: TextNode;
}

/** Parses text-format `text` into a tree. Throws MODEL_CONFIG_INVALID naming `file`, line and column. */
export function parseTextFormat(text: string, file: string): TextMessageNode {
  const tokens = tokenize(text, file);
  let index = 0;
  const peek = (): Token => tokens[index] as Token;
  const next = (): Token => tokens[Math.min(index++, tokens.length - 1)] as Token;
  const isSymbol = (token: Token, symbol: string) => token.kind === 'symbol' && token.text === symbol;
  const fail = (token: Token, expected: string, field?: string): never => {
    const got =
      token.kind === 'end' ? 'the end of the file' : token.kind === 'string' ? 'a string' : `"${token.text}"`;
    throw textFormatError(file, token.line, token.column, `expected ${expected}, got ${got}`, field);
  };
  const expect = (symbol: string, field?: string): Token => {
    const token = next();
    if (!isSymbol(token, symbol)) fail(token, `"${symbol}"`, field);
    return token;
  };

  const parseFields = (close: string | undefined, path: string, at: TextPosition): TextMessageNode => {
    const fields: TextField[] = [];
    for (;;) {
      const token = peek();
      if (close === undefined ? token.kind === 'end' : isSymbol(token, close)) break;
      if (token.kind === 'end') fail(token, `"${close}" to close the message`, path || undefined);
      const name = parseFieldName();
      const fieldPath = path ? `${path}.${name}` : name;
      const hasColon = isSymbol(peek(), ':');
      if (hasColon) next();
      const start = peek();
      // Without a colon only a message or a list of messages may follow.
      if (!hasColon && !['{', '<', '['].some((symbol) => isSymbol(start, symbol)))
        fail(start, '":" or "{"', fieldPath);
      fields.push({ name, value: parseValue(fieldPath, true), line: token.line, column: token.column });
      if (isSymbol(peek(), ',') || isSymbol(peek(), ';')) next();
    }
    next();
    return { kind: 'message', fields, ...at };
  };

  const parseFieldName = (): string => {
    const token = next();
    if (token.kind === 'identifier') return token.text;
    if (!isSymbol(token, '[')) return fail(token, 'a field name');
    // Extension or Any type URL: [pkg.ext] or [type.googleapis.com/pkg.Type]
    let name = '';
    while (!isSymbol(peek(), ']')) {
      const part = next();
      if (part.kind !== 'identifier' && !isSymbol(part, '.') && !isSymbol(part, '/'))
        fail(part, 'an extension name');
      name += part.text;
    }
    next();
    return `[${name}]`;
  };

  // Messages nest by recursion: a bound keeps a hostile 10,000-deep config a clear error, not a stack overflow.
  let depth = 0;
  const nested = (token: Token, close: string, path: string, at: TextPosition): TextMessageNode => {
    if (++depth > maxNestingDepth)
      throw textFormatError(
        file,
        token.line,
        token.column,
        `messages nest deeper than ${maxNestingDepth} levels`,
        path || undefined,
      );
    const message = parseFields(close, path, at);
    depth--;
    return message;
  };

  const parseValue = (path: string, allowList: boolean): TextNode => {
    const token = next();
    const at = { line: token.line, column: token.column };
    if (isSymbol(token, '{')) return nested(token, '}', path, at);
    if (isSymbol(token, '<')) return nested(token, '>', path, at);
    if (isSymbol(token, '[') && allowList) {
      const items: TextNode[] = [];
      while (!isSymbol(peek(), ']')) {
        if (items.length > 0) expect(',', path);
        items.push(parseValue(path, false));
      }
      next();
      return { kind: 'list', items, ...at };
    }
    if (token.kind === 'string') {
      let value = token.text;
      while (peek().kind === 'string') value += next().text;
      return { kind: 'string', value, ...at };
    }
    if (token.kind === 'identifier') return { kind: 'identifier', value: token.text, ...at };
    const negative = isSymbol(token, '-');
    const digits = negative ? next() : token;
    if (digits.kind === 'number') return numberNode(digits.text, negative, at);
    if (negative && digits.kind === 'identifier' && /^(inf|infinity|nan)$/i.test(digits.text)) {
      const value = /^nan$/i.test(digits.text) ? Number.NaN : Number.NEGATIVE_INFINITY;
      return { kind: 'number', value, text: `-${digits.text}`, integer: false, ...at };
    }
    return fail(digits, allowList ? 'a value' : 'a value (lists cannot nest)', path);
  };

  return parseFields(undefined, '', { line: 1, column: 1 });
}

function numberNode(text: string, negative: boolean, at: TextPosition): TextNode {
  const hex = /^0[xX]/.test(text);
  const octal = /^0[0-7]+$/.test(text);
  const integer = hex || /^\d+$/.test(text);
  const magnitude = hex
    ? Number.parseInt(text.slice(2), 16)
    : octal
      ? Number.parseInt(text.slice(1), 8)
      : Number.parseFloat(text.replace(/[fF]$/, ''));
  return {
    kind: 'number',
    value: negative ? -magnitude : magnitude,
    text: negative ? `-${text}` : text,
    integer,
    ...at,
  };
}
