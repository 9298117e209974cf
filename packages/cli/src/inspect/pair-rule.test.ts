import { describe, expect, it } from 'vitest';
import { matchPair, parsePairRule } from './pair-rule.js';

describe('parsePairRule', () => {
  it('reads IMAGE:REFERENCE', () => {
    expect(parsePairRule('_test:_temp')).toEqual({ image: '_test', reference: '_temp' });
  });

  it.each([['_test'], ['_test:'], [':_temp'], ['_a:_a'], ['a:b:c'], ['dir/_a:_b']])('rejects %j', (text) => {
    expect(() => parsePairRule(text)).toThrow(/--pair/);
  });
});

describe('matchPair', () => {
  const rule = { image: '_test', reference: '_temp' };

  it.each([
    [
      'a tested image',
      { given: 'd/00041000_test.jpg', want: { kind: 'image', reference: 'd/00041000_temp.jpg' } },
    ],
    ['a reference', { given: 'd/00041000_temp.jpg', want: { kind: 'reference' } }],
    ['a name without a suffix', { given: 'd/board.png', want: { kind: 'unmatched' } }],
    ['a suffix in the middle', { given: 'd/a_test_b.png', want: { kind: 'unmatched' } }],
    ['the bare suffix', { given: 'd/_test.png', want: { kind: 'unmatched' } }],
  ])('%s', (_name, { given, want }) => {
    expect(matchPair(rule, given)).toEqual(want);
  });

  it('prefers the longer suffix when both match', () => {
    expect(matchPair({ image: '_a', reference: '_ba' }, 'x_ba.png')).toEqual({ kind: 'reference' });
    expect(matchPair({ image: '_ba', reference: '_a' }, 'x_ba.png')).toEqual({
      kind: 'image',
      reference: 'x_a.png',
    });
  });
});
