/**
 * Call metadata for Triton: the W3C trace context (`traceparent`, `tracestate`), so a request
 * shows up in the same trace on both sides. An explicit `traceparent` wins; otherwise the active
 * OpenTelemetry context is injected through the globally registered propagator (a no-op when the
 * application registered none). A malformed `traceparent` is ignored, as W3C Trace Context
 * tells receivers to do, rather than failing the inference.
 */
import { Metadata } from '@grpc/grpc-js';
import { context, propagation } from '@opentelemetry/api';

const traceparentPattern = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export function callMetadata(traceparent?: string): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(traceHeaders(traceparent))) metadata.set(key, value);
  return metadata;
}

/** The same trace context as plain headers (the HTTP transport sends them as HTTP headers). */
export function traceHeaders(traceparent?: string): Record<string, string> {
  if (traceparent !== undefined && traceparentPattern.test(traceparent)) return { traceparent };
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}
