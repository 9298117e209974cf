import { describe, expect, it } from 'vitest';
import { formatCsvRow, parseCsv } from './csv.js';

describe('parseCsv', () => {
  it.each([
    [
      'plain rows',
      {
        given: 'a,b\n1,2\n',
        want: [
          ['a', 'b'],
          ['1', '2'],
        ],
      },
    ],
    [
      'CRLF and no final newline',
      {
        given: 'a,b\r\n1,2',
        want: [
          ['a', 'b'],
          ['1', '2'],
        ],
      },
    ],
    ['quotes, commas and doubled quotes', { given: 'a\n"x, ""y"""\n', want: [['a'], ['x, "y"']] }],
    ['a line break inside quotes', { given: '"a\nb",c\n', want: [['a\nb', 'c']] }],
    ['empty fields', { given: 'a,,c\n', want: [['a', '', 'c']] }],
    ['blank lines and a BOM', { given: '\ufeffa\n\n1\n', want: [['a'], ['1']] }],
  ])('%s', (_name, { given, want }) => {
    expect(parseCsv(given).map((row) => row.fields)).toEqual(want);
  });

  it('numbers rows by the line they end on, past blank lines and quoted line breaks', () => {
    expect(parseCsv('image\n\na.png\n"b\nc.png"\nd.png\n').map((row) => row.line)).toEqual([1, 3, 5, 6]);
  });

  it('rejects an unterminated quote', () => {
    expect(() => parseCsv('"abc\n')).toThrow(/quote not closed/i);
  });
});

describe('formatCsvRow', () => {
  it('quotes only what needs it and round-trips', () => {
    const row = ['plain', 'a,b', 'say "hi"', 'two\nlines', 3, null, undefined];
    const line = formatCsvRow(row);
    expect(line).toBe('plain,"a,b","say ""hi""","two\nlines",3,,\n');
    expect(parseCsv(line).map((row) => row.fields)).toEqual([
      ['plain', 'a,b', 'say "hi"', 'two\nlines', '3', '', ''],
    ]);
  });
});
