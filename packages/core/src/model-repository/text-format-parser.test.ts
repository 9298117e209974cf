import { describe, expect, it } from 'vitest';
import type { TextMessage } from './model-config.js';
import { parseTextFormat } from './text-format-parser.js';
import { extraFields, groupFields } from './text-node-reader.js';

/** The tree as plain values (what `extra` holds), to compare grammar results compactly. */
function plain(text: string): TextMessage {
  return extraFields(groupFields(parseTextFormat(text, 'test.pbtxt')), new Set()) ?? {};
}

describe('parseTextFormat grammar', () => {
  const cases: Array<[string, { given: string; want: TextMessage }]> = [
    [
      'scalar kinds',
      {
        given: 'a: "s" b: 12 c: 1.5 d: KIND_GPU e: true f: False',
        want: { a: 's', b: 12, c: 1.5, d: { $enum: 'KIND_GPU' }, e: true, f: false },
      },
    ],
    [
      'negative, hex, octal, exponent and float suffix',
      {
        given: 'a: -1 b: 0x1F c: 017 d: 1e3 e: .5 f: 2.5f g: -0.25',
        want: { a: -1, b: 31, c: 15, d: 1000, e: 0.5, f: 2.5, g: -0.25 },
      },
    ],
    [
      'inf and nan',
      {
        given: 'a: inf b: -inf c: -Infinity',
        want: { a: Number.POSITIVE_INFINITY, b: Number.NEGATIVE_INFINITY, c: Number.NEGATIVE_INFINITY },
      },
    ],
    [
      'message with braces, colon-braces and angle brackets',
      {
        given: 'a { x: 1 } b: { x: 2 } c < x: 3 > d: < >',
        want: { a: { x: 1 }, b: { x: 2 }, c: { x: 3 }, d: {} },
      },
    ],
    ['repeated field given repeatedly', { given: 'dims: 1 dims: 2\ndims: 3', want: { dims: [1, 2, 3] } }],
    [
      'repeated field as a list, and mixed',
      { given: 'a: [1, 2] b: [] c: 1 c: [2, 3]', want: { a: [1, 2], b: [], c: [1, 2, 3] } },
    ],
    [
      'list of messages with and without colon',
      {
        given: 'in [{ n: "a" }, < n: "b" >] out: [{ n: "c" }]',
        want: { in: [{ n: 'a' }, { n: 'b' }], out: [{ n: 'c' }] },
      },
    ],
    [
      'single-quoted strings and concatenation',
      { given: `a: 'it"s' b: "x" 'y' "z"`, want: { a: 'it"s', b: 'xyz' } },
    ],
    [
      'escapes',
      { given: String.raw`a: "\n\t\\\"\'\x41\101\u00e9\U0001F600"`, want: { a: '\n\t\\"\'AAé😀' } },
    ],
    ['raw UTF-8 in strings', { given: 'a: "défaut ✓"', want: { a: 'défaut ✓' } }],
    [
      'comments and separators',
      { given: '# head\na: 1, # trailing\nb { c: 2; d: 3 };\n# tail', want: { a: 1, b: { c: 2, d: 3 } } },
    ],
    [
      'extension names',
      {
        given: '[com.example.ext] { a: 1 } [type.googleapis.com/x.Y]: 2',
        want: { '[com.example.ext]': { a: 1 }, '[type.googleapis.com/x.Y]': 2 },
      },
    ],
    ['nested messages', { given: 'a { b { c { d: [1] } } }', want: { a: { b: { c: { d: [1] } } } } }],
    ['empty file', { given: '  # only a comment\n', want: {} }],
    [
      'names and strings longer than any buffer',
      { given: `${'n'.repeat(1000)}: "${'v'.repeat(5000)}"`, want: { ['n'.repeat(1000)]: 'v'.repeat(5000) } },
    ],
  ];
  it.each(cases)('%s', (_name, { given, want }) => {
    expect(plain(given)).toEqual(want);
  });
});

describe('parseTextFormat positions', () => {
  it('records 1-based line and column of every field and value', () => {
    const tree = parseTextFormat('name: "a"\n  input {\n    dims: [ 3,\n 4 ]\n  }\n', 'test.pbtxt');
    const [name, input] = tree.fields;
    expect(name).toMatchObject({
      name: 'name',
      line: 1,
      column: 1,
      value: { kind: 'string', line: 1, column: 7 },
    });
    expect(input).toMatchObject({
      name: 'input',
      line: 2,
      column: 3,
      value: { kind: 'message', line: 2, column: 9 },
    });
    const dims = input?.value.kind === 'message' ? input.value.fields[0] : undefined;
    expect(dims?.value).toMatchObject({
      kind: 'list',
      line: 3,
      column: 11,
      items: [
        { value: 3, line: 3, column: 13 },
        { value: 4, line: 4, column: 2 },
      ],
    });
  });

  it('keeps the source text and integer-ness of numbers', () => {
    const [a, b] = parseTextFormat('a: 0x10 b: 1.0', 'test.pbtxt').fields;
    expect(a?.value).toMatchObject({ kind: 'number', value: 16, text: '0x10', integer: true });
    expect(b?.value).toMatchObject({ kind: 'number', value: 1, text: '1.0', integer: false });
  });
});

describe('parseTextFormat errors', () => {
  const cases: Array<
    [string, { given: string; want: { message: string; line: number; column: number; field?: string } }]
  > = [
    [
      'unclosed message',
      {
        given: 'input {\n  name: "x"\n',
        want: {
          message: 'test.pbtxt:3:1: expected "}" to close the message, got the end of the file (field input)',
          line: 3,
          column: 1,
          field: 'input',
        },
      },
    ],
    [
      'scalar without colon',
      {
        given: 'name "x"',
        want: {
          message: 'test.pbtxt:1:6: expected ":" or "{", got a string (field name)',
          line: 1,
          column: 6,
          field: 'name',
        },
      },
    ],
    [
      'missing value',
      {
        given: 'a {\n  b:\n}',
        want: {
          message: 'test.pbtxt:3:1: expected a value, got "}" (field a.b)',
          line: 3,
          column: 1,
          field: 'a.b',
        },
      },
    ],
    [
      'unterminated string',
      {
        given: 'a: 1\nb: "open\n',
        want: {
          message: 'test.pbtxt:2:4: expected a closing " for the string started here',
          line: 2,
          column: 4,
        },
      },
    ],
    [
      'bad escape',
      {
        given: 'a: "x\\q"',
        want: { message: 'test.pbtxt:1:6: expected a valid escape sequence, got "\\q"', line: 1, column: 6 },
      },
    ],
    [
      'list without commas',
      {
        given: 'dims: [1 2]',
        want: {
          message: 'test.pbtxt:1:10: expected ",", got "2" (field dims)',
          line: 1,
          column: 10,
          field: 'dims',
        },
      },
    ],
    [
      'nested list',
      {
        given: 'a: [[1]]',
        want: {
          message: 'test.pbtxt:1:5: expected a value (lists cannot nest), got "[" (field a)',
          line: 1,
          column: 5,
          field: 'a',
        },
      },
    ],
    [
      'mismatched closer',
      {
        given: 'a < b: 1 }',
        want: { message: 'test.pbtxt:1:10: expected a field name, got "}"', line: 1, column: 10 },
      },
    ],
    [
      'stray character',
      {
        given: 'a: 1\n  @',
        want: { message: 'test.pbtxt:2:3: unexpected character "@"', line: 2, column: 3 },
      },
    ],
    [
      'number glued to letters',
      {
        given: 'a: 12abc',
        want: { message: 'test.pbtxt:1:4: expected a number or a name, got "12abc"', line: 1, column: 4 },
      },
    ],
    [
      'field name is a number',
      {
        given: '1: 2',
        want: { message: 'test.pbtxt:1:1: expected a field name, got "1"', line: 1, column: 1 },
      },
    ],
  ];
  it.each(cases)('%s', (_name, { given, want }) => {
    let caught: unknown;
    try {
      parseTextFormat(given, 'test.pbtxt');
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      code: 'MODEL_CONFIG_INVALID',
      message: want.message,
      details: { file: 'test.pbtxt', line: want.line, column: want.column, field: want.field },
    });
  });
});
