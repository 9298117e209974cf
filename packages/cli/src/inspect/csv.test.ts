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
    expect(parseCsv(given)).toEqual(want);
  });

  it('rejects an unterminated quote', () => {
    expect(() => parseCsv('"abc\n')).toThrow(/not closed/);
  });
});

describe('formatCsvRow', () => {
  it('quotes only what needs it and round-trips', () => {
    const row = ['plain', 'a,b', 'say "hi"', 'two\nlines', 3, null, undefined];
    const line = formatCsvRow(row);
    expect(line).toBe('plain,"a,b","say ""hi""","two\nlines",3,,\n');
    expect(parseCsv(line)).toEqual([['plain', 'a,b', 'say "hi"', 'two\nlines', '3', '', '']]);
  });
});
