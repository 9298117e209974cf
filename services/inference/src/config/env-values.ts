/**
 * Parsers for the value formats our environment variables accept: byte sizes ("10MiB"),
 * durations ("30s", "500ms") and bounded numbers. Each returns the parsed value or a message
 * naming what was expected, so `loadConfig` can list every bad variable at once.
 */

import bytes from 'bytes';
import ms from 'ms';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Parses a byte size with `bytes`: a plain integer (bytes) or a number with a unit. Units are
 * binary as `bytes` reads them (1kb = 1024); the IEC spellings (`10MiB`) and single letters
 * (`512k`) are accepted by mapping them onto `bytes`' names.
 */
export function parseByteSize(text: string): Parsed<number> {
  const normalised = text.trim().replace(/^(\d+(?:\.\d+)?)\s*([kmgtp])(?:i?b)?$/i, '$1$2b');
  const value = /^\d+(?:\.\d+)?\s*[kmgtp]?b?$/i.test(normalised) ? bytes.parse(normalised) : null;
  if (value === null || !Number.isFinite(value)) {
    return {
      ok: false,
      message: `expected a byte size such as 10485760 or 10MiB, got ${JSON.stringify(text)}`,
    };
  }
  const rounded = Math.round(value);
  if (rounded < 1)
    return { ok: false, message: `expected a byte size of at least 1 byte, got ${JSON.stringify(text)}` };
  return { ok: true, value: rounded };
}

/**
 * Parses a duration into milliseconds with `ms` (`500ms`, `30s`, `2m`, `1h`); a plain number means
 * seconds, as the platform's Python settings did (TRITON_TIMEOUT=30).
 */
export function parseDurationMs(text: string): Parsed<number> {
  const trimmed = text.trim();
  const value = /^\d+(?:\.\d+)?$/.test(trimmed)
    ? Number(trimmed) * 1000
    : trimmed === ''
      ? undefined
      : (ms(trimmed as ms.StringValue) as number | undefined);
  if (value === undefined || !Number.isFinite(value))
    return {
      ok: false,
      message: `expected a duration such as 30, 30s or 500ms, got ${JSON.stringify(text)}`,
    };
  if (value <= 0)
    return { ok: false, message: `expected a duration above zero, got ${JSON.stringify(text)}` };
  return { ok: true, value };
}

/** Parses an integer in `[min, max]`. */
export function parseIntegerInRange(text: string, min: number, max: number): Parsed<number> {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    return {
      ok: false,
      message: `expected an integer between ${min} and ${max}, got ${JSON.stringify(text)}`,
    };
  }
  return { ok: true, value };
}

/** Parses a number in `[min, max]`. */
export function parseNumberInRange(text: string, min: number, max: number): Parsed<number> {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    return { ok: false, message: `expected a number between ${min} and ${max}, got ${JSON.stringify(text)}` };
  }
  return { ok: true, value };
}
