/**
 * Prometheus metrics. The platform's alert rules query three names exactly
 * (PLATFORM-CONTRACTS.md): `model_inference_latency_seconds` (histogram, 0.01-10 s),
 * `inference_requests_total{status="success"|"failure"}` and `prediction_confidence`; its
 * `model_drift_score` carries our PSI drift. Everything else is ours, prefixed `chipq_`, and
 * is what deploy/ (alert rules, dashboard, HPA) reads: keep those in step when renaming.
 * One registry per app so several apps in one process (tests) do not collide.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { type LiveSources, registerLiveGauges } from './live-gauges.js';

/** 0.01 s to 10 s, with 2 s on a bucket edge because the platform alerts on p95 > 2 s. */
const latencyBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];
const confidenceBuckets = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95, 1];
/** Stages run from tens of microseconds (postprocess) to seconds (a queue under load). */
const stageBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Powers of two up to Triton's max_batch_size 32 (ADR-003), and one above. */
const batchSizeBuckets = [1, 2, 4, 8, 16, 32, 64];
/** 16 KiB to 64 MiB by fours: a 640x640 PNG is ~0.5 MiB, IMAGE_MAX_SIZE defaults to 10 MiB. */
const imageByteBuckets = [16, 64, 256, 1024, 4096, 16384, 65536].map((k) => k * 1024);

/** The stages of one inspection, in order; `store` is the service's database write. */
const stages = ['decode', 'preprocess', 'queue', 'infer', 'postprocess', 'store'] as const;
type Stage = (typeof stages)[number];

type ModelLabels = 'model_name' | 'model_version';

export interface ServiceMetrics {
  registry: Registry;
  /** Per image, decode to verdict (what a caller waits for beyond transport), seconds. */
  inferenceLatency: Histogram<ModelLabels>;
  inferenceRequests: Counter<ModelLabels | 'status'>;
  /** One observation per detection. */
  predictionConfidence: Histogram<ModelLabels>;
  /** Seconds per stage of one image. */
  stageDuration: Histogram<'stage' | 'model_name'>;
  /** Images per model execution, as the engine batched them. */
  batchSize: Histogram<'model_name'>;
  /** Encoded bytes received per image (`input`: image or reference). */
  imageBytes: Histogram<'input'>;
  /** HTTP requests this replica is answering now (the HPA's signal). */
  httpInFlight: Gauge;
  /** HTTP request duration by matched route (`route` is the template, never the raw path). */
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  /** Time a query waited for a database connection from the pool. */
  dbPoolWait: Histogram;
  batchItemsInFlight: Gauge;
  /** Control-chart and drift signals (see services/control-charts/anomaly-monitor.ts). */
  anomalyActive: Gauge<ModelLabels | 'chart'>;
  anomalies: Counter<ModelLabels | 'chart' | 'rule'>;
  driftScore: Gauge<ModelLabels | 'feature'>;
  /** Inspections made under an experiment, by arm; `served`: answered, or shadow (never returned). */
  experimentInferences: Counter<ModelLabels | 'experiment_arm' | 'served' | 'status'>;
  experimentLatency: Histogram<ModelLabels | 'experiment_arm' | 'served'>;
  /** Records one inspection made under an experiment arm. */
  observeExperiment(
    model: { name: string; version: string },
    arm: string,
    served: 'answered' | 'shadow',
    outcome: 'success' | 'failure',
    seconds?: number,
  ): void;
  /** Records one finished inspection. */
  observeInference(
    model: { name: string; version: string },
    outcome: 'success' | 'failure',
    seconds?: number,
    confidences?: number[],
  ): void;
  /** Records one stage's duration in milliseconds (as core's timings give them). */
  observeStage(stage: Stage, model: string, ms: number): void;
  /** Connects the gauges read at scrape time (model readiness, pool, engine queue). */
  watch(sources: LiveSources): void;
}

export interface ServiceMetricsOptions {
  /** Also collect Node's process metrics (CPU, memory, event loop), default false. */
  defaultMetrics?: boolean;
}

export function createServiceMetrics(options: ServiceMetricsOptions = {}): ServiceMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const modelLabels = ['model_name', 'model_version'] as const;
  const inferenceLatency = new Histogram({
    name: 'model_inference_latency_seconds',
    help: 'Time to inspect one image (decode, preprocess, queue, infer, postprocess), per model version',
    labelNames: modelLabels,
    buckets: latencyBuckets,
    registers,
  });
  const inferenceRequests = new Counter({
    name: 'inference_requests_total',
    help: 'Images inspected, by outcome (success or failure), per model version',
    labelNames: [...modelLabels, 'status'] as const,
    registers,
  });
  const predictionConfidence = new Histogram({
    name: 'prediction_confidence',
    help: 'Confidence of each reported detection, per model version',
    labelNames: modelLabels,
    buckets: confidenceBuckets,
    registers,
  });
  const stageDuration = new Histogram({
    name: 'chipq_stage_duration_seconds',
    help: 'Time one image spends in each stage: decode, preprocess, queue, infer, postprocess, store',
    labelNames: ['stage', 'model_name'] as const,
    buckets: stageBuckets,
    registers,
  });
  const experimentLabels = [...modelLabels, 'experiment_arm', 'served'] as const;
  const experimentInferences = new Counter({
    name: 'chipq_experiment_inferences_total',
    help: 'Images inspected under an experiment, by arm; served="answered" (returned) or "shadow" (run after the answer, never returned)',
    labelNames: [...experimentLabels, 'status'] as const,
    registers,
  });
  const experimentLatency = new Histogram({
    name: 'chipq_experiment_inference_latency_seconds',
    help: 'Time to inspect one image under an experiment, by arm and whether it was answered or shadowed',
    labelNames: experimentLabels,
    buckets: latencyBuckets,
    registers,
  });
  const live = registerLiveGauges(registers);
  return {
    registry,
    inferenceLatency,
    inferenceRequests,
    predictionConfidence,
    stageDuration,
    batchSize: new Histogram({
      name: 'chipq_engine_batch_size',
      help: 'Images per model execution, as the engine batched them',
      labelNames: ['model_name'] as const,
      buckets: batchSizeBuckets,
      registers,
    }),
    imageBytes: new Histogram({
      name: 'chipq_image_bytes',
      help: 'Encoded size of each received image (input: image or reference)',
      labelNames: ['input'] as const,
      buckets: imageByteBuckets,
      registers,
    }),
    httpInFlight: new Gauge({
      name: 'chipq_http_requests_in_flight',
      help: 'HTTP requests this replica is answering now',
      registers,
    }),
    httpDuration: new Histogram({
      name: 'chipq_http_request_duration_seconds',
      help: 'HTTP request duration by method, matched route template and status code',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: latencyBuckets,
      registers,
    }),
    dbPoolWait: new Histogram({
      name: 'chipq_db_pool_wait_seconds',
      help: 'Time a query waited for a connection from the database pool',
      buckets: stageBuckets,
      registers,
    }),
    batchItemsInFlight: new Gauge({
      name: 'chipq_batch_items_in_flight',
      help: 'Batch items this replica is processing now',
      registers,
    }),
    anomalyActive: new Gauge({
      name: 'chipq_anomaly_active',
      help: '1 while a control chart or drift check of a model version is out of control, else 0',
      labelNames: [...modelLabels, 'chart'] as const,
      registers,
    }),
    anomalies: new Counter({
      name: 'chipq_anomalies_total',
      help: 'Control-chart signals raised (chart and the run rule that fired), per model version',
      labelNames: [...modelLabels, 'chart', 'rule'] as const,
      registers,
    }),
    driftScore: new Gauge({
      name: 'model_drift_score',
      help: 'Population stability index of recent results against the version baseline (feature: confidence or class_mix)',
      labelNames: [...modelLabels, 'feature'] as const,
      registers,
    }),
    experimentInferences,
    experimentLatency,
    observeExperiment(model, arm, served, outcome, seconds) {
      const labels = { model_name: model.name, model_version: model.version, experiment_arm: arm, served };
      experimentInferences.inc({ ...labels, status: outcome });
      if (seconds !== undefined) experimentLatency.observe(labels, seconds);
    },
    observeInference(model, outcome, seconds, confidences = []) {
      const labels = { model_name: model.name, model_version: model.version };
      inferenceRequests.inc({ ...labels, status: outcome });
      if (seconds !== undefined) inferenceLatency.observe(labels, seconds);
      for (const confidence of confidences) predictionConfidence.observe(labels, confidence);
    },
    observeStage(stage, model, ms) {
      stageDuration.observe({ stage, model_name: model }, ms / 1000);
    },
    watch: live.watch,
  };
}
