/**
 * Runs one image through the inspector for the service, predict and batch alike: checks the
 * byte limit, applies the deadline, records metrics and a span, and returns the outcome or the
 * failure as a value (a failed image is a normal result, CONVENTIONS.md §5), never throwing.
 */
import { performance } from 'node:perf_hooks';
import type { InspectionResult, Inspector } from '@chipq/core';
import { ChipqError, isChipqError } from '@chipq/core';
import { checkImageBytes } from '@chipq/core/preprocess';
import { isDatabaseUnavailable } from '../db/database-availability.js';
import type { AssignmentUnits, Route, Router, ShadowArm } from '../experiments/experiment-router.js';
import type { ServiceMetrics } from '../observability/service-metrics.js';
import { withSpan } from '../observability/tracing.js';
import type { AnomalyMonitor } from './control-charts/anomaly-monitor.js';

export interface InspectionJob {
  image: Uint8Array;
  reference?: Uint8Array | undefined;
  model?: string | undefined;
  version?: string | undefined;
  confidenceThreshold?: number | undefined;
  signal?: AbortSignal | undefined;
  traceparent?: string | undefined;
  /** What an experiment may assign the job by (lot, wafer, the result's id). */
  units?: AssignmentUnits | undefined;
}

/**
 * `model`: the model asked for (the job's, else the default), recorded on failures.
 * `assignment`: the experiment arm that served it; `shadows`: arms to run after the answer.
 */
type RunCommon = {
  serviceMs: number;
  model: string | undefined;
  assignment?: Route['assignment'];
  shadows?: ShadowArm[] | undefined;
};
export type InspectionRun =
  | ({ ok: true; outcome: InspectionResult } & RunCommon)
  | ({ ok: false; error: ChipqError } & RunCommon);

export interface InspectionRunnerOptions {
  inspector: Inspector;
  metrics: ServiceMetrics;
  /** Bytes per image (and per reference), the service's IMAGE_MAX_SIZE. */
  imageMaxBytes: number;
  /** Deadline per image, ms. */
  timeoutMs: number;
  /** Default confidence threshold when a request gives none. */
  confidenceThreshold: number;
  /** Model for jobs that name none; default: the inspector's own default. */
  defaultModel?: string | undefined;
  /**
   * The version (and experiment arm) for jobs that name none: the database's default or a
   * running experiment's arm, shared by replicas. Undefined: the inspector's own default.
   */
  route?: Router | undefined;
  /** Control charts fed with every completed inspection; none when undefined. */
  anomalies?: AnomalyMonitor | undefined;
}

export type InspectionRunner = (job: InspectionJob) => Promise<InspectionRun>;

/** What an inspection threw, as the ChipqError the caller answers with. */
function inspectionError(error: unknown): ChipqError {
  if (isChipqError(error)) return error;
  // The stored default version is read from the database inside the inspection: an outage
  // there is a 503 to retry, not an internal error.
  if (isDatabaseUnavailable(error))
    return new ChipqError('DATABASE_UNAVAILABLE', 'the database cannot be reached; retry shortly', {
      cause: error,
    });
  return new ChipqError('INTERNAL', 'the inspection failed unexpectedly', { cause: error });
}

function observeStages(metrics: ServiceMetrics, outcome: InspectionResult): void {
  const { timings } = outcome;
  const name = outcome.model.name;
  metrics.observeStage('decode', name, timings.decodeMs);
  metrics.observeStage('preprocess', name, timings.preprocessMs);
  // Unknown on Triton (no per-request split): not observed rather than counted as 0.
  if (timings.queueMs !== null) metrics.observeStage('queue', name, timings.queueMs);
  metrics.observeStage('infer', name, timings.inferMs);
  metrics.observeStage('postprocess', name, timings.postprocessMs);
  if (timings.batchSize !== undefined) metrics.batchSize.observe({ model_name: name }, timings.batchSize);
}

/** The engine knows the model but not this version: it may be on disk, deployed elsewhere. */
function isNotLoadedHere(error: unknown): boolean {
  return isChipqError(error) && error.code === 'MODEL_NOT_FOUND' && /has no version/.test(error.message);
}

export function createInspectionRunner(options: InspectionRunnerOptions): InspectionRunner {
  const { inspector, metrics } = options;
  const loading = new Map<string, Promise<void>>();
  /** One reload per model at a time, however many requests ask for the missing version. */
  const loadOnce = (model: string): Promise<void> => {
    let pending = loading.get(model);
    if (pending === undefined) {
      pending = inspector.loadModel(model).finally(() => loading.delete(model));
      loading.set(model, pending);
    }
    return pending;
  };
  return async (job) => {
    const started = performance.now();
    const model = job.model ?? options.defaultModel;
    let route: Route | undefined;
    metrics.imageBytes.observe({ input: 'image' }, job.image.byteLength);
    if (job.reference !== undefined)
      metrics.imageBytes.observe({ input: 'reference' }, job.reference.byteLength);
    try {
      for (const [field, bytes] of [
        ['image', job.image],
        ['reference', job.reference],
      ] as const) {
        if (bytes !== undefined)
          checkImageBytes(bytes.byteLength, options.imageMaxBytes, { field, setting: 'IMAGE_MAX_SIZE' });
      }
      const outcome = await withSpan(
        'chipq.service.inspect',
        { 'chipq.model': model ?? '(default)' },
        async (span) => {
          if (job.version === undefined && model !== undefined && options.route !== undefined)
            route = await options.route(model, job.units ?? { request: '' });
          const version = job.version ?? route?.version;
          const inspect = () =>
            inspector.inspect({
              image: job.image,
              reference: job.reference,
              model,
              version,
              confidenceThreshold: job.confidenceThreshold ?? options.confidenceThreshold,
              signal: job.signal,
              timeoutMs: options.timeoutMs,
              traceparent: job.traceparent,
            });
          const result = await inspect().catch(async (error: unknown) => {
            // A version promoted or deployed through another replica is on the shared
            // repository but not loaded here yet: load it (once), then answer.
            if (version === undefined || model === undefined || !isNotLoadedHere(error)) throw error;
            await loadOnce(model);
            return inspect();
          });
          span.setAttributes({
            'chipq.model.version': result.model.version,
            'chipq.detections': result.detections.length,
            'chipq.verdict': result.verdict.status,
          });
          return result;
        },
      );
      metrics.observeInference(
        outcome.model,
        'success',
        outcome.timings.totalMs / 1000,
        outcome.detections.map((d) => d.confidence),
      );
      observeStages(metrics, outcome);
      // A request with a higher threshold than the service's hides detections the charts count.
      if ((job.confidenceThreshold ?? options.confidenceThreshold) <= options.confidenceThreshold)
        options.anomalies?.observe(outcome);
      if (route?.assignment !== undefined)
        metrics.observeExperiment(
          outcome.model,
          route.assignment.arm,
          'answered',
          'success',
          outcome.timings.totalMs / 1000,
        );
      return {
        ok: true,
        outcome,
        serviceMs: performance.now() - started,
        model,
        assignment: route?.assignment,
        shadows: route?.shadows,
      };
    } catch (thrown) {
      const error = inspectionError(thrown);
      const details = error.details ?? {};
      const name = typeof details.model === 'string' ? details.model : (model ?? 'unknown');
      const version = typeof details.version === 'string' ? details.version : (job.version ?? '');
      metrics.observeInference({ name, version }, 'failure');
      if (route?.assignment !== undefined)
        metrics.observeExperiment(
          { name, version: route.version ?? version },
          route.assignment.arm,
          'answered',
          'failure',
        );
      // No shadows after a failure: there is no answer to compare them with.
      return {
        ok: false,
        error,
        serviceMs: performance.now() - started,
        model,
        assignment: route?.assignment,
      };
    }
  };
}
