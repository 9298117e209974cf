/**
 * The OpenTelemetry SDK (traces only), configured entirely by the standard OTEL_* variables:
 * OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL
 * (http/protobuf by default, http/json, grpc), OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER(_ARG),
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_PROPAGATORS. Off unless an endpoint or OTEL_TRACES_EXPORTER is
 * set: then no SDK is registered, @opentelemetry/api stays a no-op and requests pay nothing.
 * Metrics stay on Prometheus (/metrics) and logs on stdout, so their OTLP exporters are off.
 */
import { NodeSDK } from '@opentelemetry/sdk-node';
import { tracesRequested } from './traces-requested.js';

export interface Telemetry {
  /** Flushes spans not yet exported and stops the SDK. */
  shutdown(): Promise<void>;
}

/** Starts the SDK when the environment asks for traces; undefined when it does not. */
export function startTelemetry(env: Record<string, string | undefined> = process.env): Telemetry | undefined {
  if (!tracesRequested(env)) return undefined;
  const sdk = new NodeSDK({
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override this default.
    serviceName: env.OTEL_SERVICE_NAME ?? 'chipq-inference',
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
