/**
 * Prometheus metrics under exactly the names the platform's alert rules query
 * (PLATFORM-CONTRACTS.md): `model_inference_latency_seconds` (histogram, 0.01-10 s),
 * `inference_requests_total{status="success"|"failure"}` and `prediction_confidence`.
 * One registry per app so several apps in one process (tests) do not collide.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** 0.01 s to 10 s, with 2 s on a bucket edge because the platform alerts on p95 > 2 s. */
export const latencyBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];
export const confidenceBuckets = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95, 1];

export interface ServiceMetrics {
  registry: Registry;
  /** Per image, decode to verdict (what a caller waits for beyond transport), seconds. */
  inferenceLatency: Histogram<'model_name' | 'model_version'>;
  inferenceRequests: Counter<'model_name' | 'model_version' | 'status'>;
  /** One observation per detection. */
  predictionConfidence: Histogram<'model_name' | 'model_version'>;
  batchItemsInFlight: Gauge;
  /** Records one finished inspection. */
  observeInference(
    model: { name: string; version: string },
    outcome: 'success' | 'failure',
    seconds?: number,
    confidences?: number[],
  ): void;
}

export interface ServiceMetricsOptions {
  /** Also collect Node's process metrics (CPU, memory, event loop), default false. */
  defaultMetrics?: boolean;
}

export function createServiceMetrics(options: ServiceMetricsOptions = {}): ServiceMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const inferenceLatency = new Histogram({
    name: 'model_inference_latency_seconds',
    help: 'Time to inspect one image (decode, preprocess, queue, infer, postprocess), per model version',
    labelNames: ['model_name', 'model_version'] as const,
    buckets: latencyBuckets,
    registers: [registry],
  });
  const inferenceRequests = new Counter({
    name: 'inference_requests_total',
    help: 'Images inspected, by outcome (success or failure), per model version',
    labelNames: ['model_name', 'model_version', 'status'] as const,
    registers: [registry],
  });
  const predictionConfidence = new Histogram({
    name: 'prediction_confidence',
    help: 'Confidence of each reported detection, per model version',
    labelNames: ['model_name', 'model_version'] as const,
    buckets: confidenceBuckets,
    registers: [registry],
  });
  const batchItemsInFlight = new Gauge({
    name: 'chipq_batch_items_in_flight',
    help: 'Batch items this replica is processing now',
    registers: [registry],
  });
  return {
    registry,
    inferenceLatency,
    inferenceRequests,
    predictionConfidence,
    batchItemsInFlight,
    observeInference(model, outcome, seconds, confidences = []) {
      const labels = { model_name: model.name, model_version: model.version };
      inferenceRequests.inc({ ...labels, status: outcome });
      if (seconds !== undefined) inferenceLatency.observe(labels, seconds);
      for (const confidence of confidences) predictionConfidence.observe(labels, confidence);
    },
  };
}
