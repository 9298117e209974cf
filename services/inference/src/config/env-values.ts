/**
 * Parsers for the value formats our environment variables accept: byte sizes ("10MiB"),
 * durations ("30s", "500ms") and bounded numbers. Each returns the parsed value or a message
 * naming what was expected, so `loadConfig` can list every bad variable at once.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const sizeUnits: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1000,
  kib: 1024,
  m: 1000 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/** Parses a byte size: a plain integer (bytes) or a number with a unit (`10MiB`, `5MB`, `512k`). */
export function parseByteSize(text: string): Parsed<number> {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = sizeUnits[match?.[2]?.toLowerCase() ?? 'x'];
  if (!match || unit === undefined) {
    return {
      ok: false,
      message: `expected a byte size such as 10485760 or 10MiB, got ${JSON.stringify(text)}`,
    };
  }
  const value = Math.round(Number(match[1]) * unit);
  if (value < 1)
    return { ok: false, message: `expected a byte size of at least 1 byte, got ${JSON.stringify(text)}` };
  return { ok: true, value };
}

/**
 * Parses a duration into milliseconds: a plain number means seconds (the platform's Python
 * settings used seconds, e.g. TRITON_TIMEOUT=30), or a number with `ms`, `s` or `m`.
 */
export function parseDurationMs(text: string): Parsed<number> {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/i.exec(text);
  if (!match)
    return {
      ok: false,
      message: `expected a duration such as 30, 30s or 500ms, got ${JSON.stringify(text)}`,
    };
  const factor = { ms: 1, s: 1000, m: 60_000 }[(match[2] ?? 's').toLowerCase() as 'ms' | 's' | 'm'];
  const value = Number(match[1]) * factor;
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
