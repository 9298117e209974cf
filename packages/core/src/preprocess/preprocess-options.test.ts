import { describe, expect, it } from 'vitest';
import { ChipqError } from '../errors.js';
import { type PreprocessOptions, resolvePreprocessOptions } from './preprocess-options.js';

describe('resolvePreprocessOptions', () => {
  it('fills the documented defaults', () => {
    expect(resolvePreprocessOptions()).toEqual({
      maxBytes: 10 * 1024 * 1024,
      maxPixels: 50_000_000,
      resize: 'letterbox',
      padValue: 114,
      kernel: 'linear',
      targetSize: undefined,
    });
  });

  const rejected: Array<[string, { given: PreprocessOptions; want: string }]> = [
    ['zero maxBytes', { given: { maxBytes: 0 }, want: 'maxBytes, got 0' }],
    ['fractional maxPixels', { given: { maxPixels: 1.5 }, want: 'maxPixels, got 1.5' }],
    ['pad above 255', { given: { padValue: 256 }, want: 'between 0 and 255 for padValue, got 256' }],
    ['unknown resize', { given: { resize: 'crop' as 'stretch' }, want: 'for resize, got crop' }],
    ['unknown kernel', { given: { kernel: 'mitchell' as 'linear' }, want: 'for kernel, got mitchell' }],
    [
      'zero target width',
      { given: { targetSize: { width: 0, height: 4 } }, want: 'targetSize.width, got 0' },
    ],
  ];
  it.each(rejected)('rejects %s', (_, { given, want }) => {
    const call = () => resolvePreprocessOptions(given);
    expect(call).toThrow(ChipqError);
    expect(call).toThrow(want);
  });
});
