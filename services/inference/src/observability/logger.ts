/**
 * A small structured logger: one JSON object per line on stdout (stderr for warn and error),
 * filtered by LOG_LEVEL. Enough for containers that ship stdout to a log store; no dependency.
 */
import type { LogLevel } from '../config/load-config.js';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    const withCode = value as Error & { code?: unknown };
    return {
      name: value.name,
      message: value.message,
      code: withCode.code,
      stack: value.stack,
      cause: serialise(value.cause),
    };
  }
  return value;
}

/** A logger writing at `level` and above (default `info`); `silent` drops everything (tests). */
export function createLogger(
  level: LogLevel | 'silent' = 'info',
  base: Record<string, unknown> = {},
): Logger {
  const threshold = level === 'silent' ? Number.POSITIVE_INFINITY : rank[level];
  const write = (at: LogLevel, message: string, fields: Record<string, unknown> = {}) => {
    if (rank[at] < threshold) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level: at, message, ...base };
    for (const [key, value] of Object.entries(fields)) entry[key] = serialise(value);
    const line = `${JSON.stringify(entry)}\n`;
    if (rank[at] >= rank.warn) process.stderr.write(line);
    else process.stdout.write(line);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
