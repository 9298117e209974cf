import { describe, expect, it } from 'vitest';
import { parseByteSize, parseDurationMs } from './env-values.js';

describe('parseByteSize (bytes)', () => {
  it.each([
    ['1000', 1000],
    ['10MiB', 10 * 1024 ** 2],
    ['10 MiB', 10 * 1024 ** 2],
    ['5MB', 5 * 1024 ** 2],
    ['512k', 512 * 1024],
    ['1.5GiB', 1.5 * 1024 ** 3],
    ['64b', 64],
  ])('reads %s as %i bytes', (text, bytes) => {
    expect(parseByteSize(text)).toEqual({ ok: true, value: bytes });
  });

  it.each(['', 'ten', '10 parsecs', '-5MB', '10MiBs'])('refuses %j naming the format', (text) => {
    expect(parseByteSize(text)).toEqual({
      ok: false,
      message: `expected a byte size such as 10485760 or 10MiB, got ${JSON.stringify(text)}`,
    });
  });

  it('refuses zero', () => {
    expect(parseByteSize('0')).toMatchObject({
      ok: false,
      message: expect.stringContaining('at least 1 byte'),
    });
  });
});

describe('parseDurationMs (ms)', () => {
  it.each([
    ['30', 30_000],
    ['0.5', 500],
    ['250ms', 250],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
  ])('reads %s as %i ms', (text, value) => {
    expect(parseDurationMs(text)).toEqual({ ok: true, value });
  });

  it.each(['', 'soon', '30 fortnights'])('refuses %j naming the format', (text) => {
    expect(parseDurationMs(text)).toEqual({
      ok: false,
      message: `expected a duration such as 30, 30s or 500ms, got ${JSON.stringify(text)}`,
    });
  });

  it.each(['0', '0s', '-1s'])('refuses %j: not above zero', (text) => {
    expect(parseDurationMs(text)).toMatchObject({
      ok: false,
      message: expect.stringContaining('above zero'),
    });
  });
});
