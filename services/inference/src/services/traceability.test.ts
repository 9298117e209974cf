import { describe, expect, it } from 'vitest';
import { parseTags } from './traceability.js';

describe('parseTags', () => {
  const cases: Array<[string, { given: Parameters<typeof parseTags>[0]; want: Record<string, string> }]> = [
    ['nothing', { given: undefined, want: {} }],
    ['a JSON object', { given: '{"recipe":"r7","shift":2}', want: { recipe: 'r7', shift: '2' } }],
    ['an object from JSON bodies', { given: { line: 'A', hot: true }, want: { line: 'A', hot: 'true' } }],
    ['one key=value', { given: 'recipe=r7', want: { recipe: 'r7' } }],
    ['repeated key=value', { given: ['recipe=r7', 'line = A'], want: { recipe: 'r7', line: 'A' } }],
    ['comma-separated', { given: 'a=1,b=2', want: { a: '1', b: '2' } }],
    ['a value with =', { given: 'expr=a=b', want: { expr: 'a=b' } }],
    ['empty strings', { given: ['', ' '], want: {} }],
  ];
  it.each(cases)('reads %s', (_name, { given, want }) => {
    expect(parseTags(given)).toEqual(want);
  });

  it.each([['novalue'], ['=x'], ['{not json'], ['[1,2]']])('rejects %s with INVALID_INPUT', (given) => {
    expect(() => parseTags(given)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
