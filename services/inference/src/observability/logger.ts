/**
 * Structured logs with pino: one JSON object per line on stdout, filtered by LOG_LEVEL. Each
 * line written during a request carries `request_id`, `trace_id` and `span_id` (the active
 * span's when an OpenTelemetry SDK records, else the request's own, see request-context.ts);
 * fields pass through `safeLogFields` (errors with causes, no bytes, no secrets).
 *
 * `Logger` is the service's narrow port (message first, fields second); only this file knows
 * pino, so call sites and tests stay independent of it.
 */
import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream } from 'pino';
import type { LogLevel } from '../config/load-config.js';
import { safeLogFields } from './log-fields.js';
import { currentRequestContext } from './request-context.js';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The ids of the current request and span, empty outside a request. */
function correlation(): Record<string, string> {
  const request = currentRequestContext();
  const span = trace.getActiveSpan()?.spanContext();
  if (span !== undefined && isSpanContextValid(span)) {
    return {
      ...(request === undefined ? {} : { request_id: request.requestId }),
      trace_id: span.traceId,
      span_id: span.spanId,
    };
  }
  if (request === undefined) return {};
  return { request_id: request.requestId, trace_id: request.traceId, span_id: request.spanId };
}

/**
 * A logger writing at `level` and above (default `info`); `silent` drops everything (tests).
 * @param base fields on every line (service, environment).
 * @param destination where lines go, default stdout.
 */
export function createLogger(
  level: LogLevel | 'silent' = 'info',
  base: Record<string, unknown> = {},
  destination?: DestinationStream,
): Logger {
  const log = pino(
    {
      level,
      base,
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: correlation,
    },
    destination,
  );
  const at =
    (method: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) => {
      if (!log.isLevelEnabled(method)) return;
      if (fields === undefined) log[method](message);
      else log[method](safeLogFields(fields), message);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
