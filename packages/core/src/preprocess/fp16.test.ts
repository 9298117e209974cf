import { describe, expect, it } from 'vitest';
import { fromHalf, toHalf } from './fp16.js';

describe('half-precision conversion', () => {
  const cases: Array<[string, { given: number; want: number }]> = [
    ['zero', { given: 0, want: 0x0000 }],
    ['negative zero', { given: -0, want: 0x8000 }],
    ['one', { given: 1, want: 0x3c00 }],
    ['minus two', { given: -2, want: 0xc000 }],
    ['one third rounds to nearest', { given: 1 / 3, want: 0x3555 }],
    ['largest half', { given: 65504, want: 0x7bff }],
    ['overflow to infinity', { given: 70000, want: 0x7c00 }],
    ['smallest subnormal', { given: 2 ** -24, want: 0x0001 }],
    ['largest subnormal', { given: 1023 * 2 ** -24, want: 0x03ff }],
    ['underflow to zero', { given: 2 ** -26, want: 0x0000 }],
    ['1/255 (a scaled pixel)', { given: 1 / 255, want: 0x1c04 }],
    ['tie rounds to even', { given: 1 + 2 ** -11, want: 0x3c00 }],
  ];
  it.each(cases)('%s', (_, { given, want }) => {
    expect(toHalf(given)).toBe(want);
  });

  it('round-trips every 8-bit value scaled to 0-1 within half precision', () => {
    for (let v = 0; v < 256; v++)
      expect(Math.abs(fromHalf(toHalf(v / 255)) - v / 255)).toBeLessThanOrEqual(2 ** -11);
  });

  it('keeps NaN and infinities', () => {
    expect(Number.isNaN(fromHalf(toHalf(Number.NaN)))).toBe(true);
    expect(fromHalf(toHalf(Number.NEGATIVE_INFINITY))).toBe(Number.NEGATIVE_INFINITY);
  });
});
