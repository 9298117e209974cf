/**
 * The ids that tie one request's log lines and traces together, kept for the request's whole
 * async life (AsyncLocalStorage), so a log line written deep in a service carries them without
 * passing a logger down. With an OpenTelemetry SDK recording, the active span's ids win; without
 * one, the trace id comes from the caller's `traceparent` (or is new), so logs still join the
 * caller's trace and Triton's.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { isSpanContextValid, trace } from '@opentelemetry/api';

export interface RequestContext {
  requestId: string;
  traceId: string;
  /** This service's span for the request (the server span, or a made-up id without an SDK). */
  spanId: string;
  /** W3C `traceparent` naming this request's span: what downstream calls continue. */
  traceparent: string;
}

const storage = new AsyncLocalStorage<RequestContext>();
const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The current request's context, or undefined outside a request (start-up, background work). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Builds the context from the active span, else from the caller's `traceparent`, else new ids. */
export function requestContextFor(requestId: string, callerTraceparent: string | undefined): RequestContext {
  const active = trace.getActiveSpan()?.spanContext();
  if (active !== undefined && isSpanContextValid(active)) {
    const flags = active.traceFlags.toString(16).padStart(2, '0');
    return {
      requestId,
      traceId: active.traceId,
      spanId: active.spanId,
      traceparent: `00-${active.traceId}-${active.spanId}-${flags}`,
    };
  }
  const caller = callerTraceparent === undefined ? null : traceparentPattern.exec(callerTraceparent);
  const traceId = caller?.[1] ?? randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { requestId, traceId, spanId, traceparent: `00-${traceId}-${spanId}-${caller?.[3] ?? '00'}` };
}

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}
