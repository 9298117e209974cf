/**
 * The one-call API for scripts and the service: `createInspector()` then `inspect({ image,
 * reference })`. It composes preprocessing, an engine (embedded ONNX Runtime by default, or
 * Triton), postprocessing and the verdict, and times each stage.
 */
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { abortError } from '../abort.js';
import type { CallOptions, Engine, LoadModelOptions } from '../engine/engine.js';
import { createOnnxEngine } from '../engine/onnx/onnx-engine.js';
import { ChipqError } from '../errors.js';
import {
  type ModelRepositoryEntry,
  readModelRepository,
} from '../model-repository/model-repository-reader.js';
import { decideVerdict } from '../postprocess/decide-verdict.js';
import { postprocess, resolvePostprocessOptions } from '../postprocess/postprocess.js';
import { candidateFloor, resolveVerdictRules } from '../postprocess/verdict-rules.js';
import { preprocessPair } from '../preprocess/preprocess-pair.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { gateVerdict } from './gate-verdict.js';
import type { InspectionResult } from './inspection-result.js';
import {
  checkConfidence,
  type InspectorOptions,
  type ResolvedInspectorOptions,
  resolveInspectorOptions,
} from './inspector-options.js';
import { ModelPlanCache } from './model-plan.js';
import { type ImageInput, readImageInput } from './read-image-input.js';
import { recordStageSpans } from './stage-spans.js';

export interface InspectRequest {
  /** The tested image: encoded bytes (PNG, JPEG, TIFF, WebP, GIF) or a file path. */
  image: ImageInput;
  /** The defect-free reference of the same region, same size; required by models with a reference input. */
  reference?: ImageInput;
  /** Default: the inspector's `defaultModel`. */
  model?: string;
  /** Default: the model's `chipq.default_version` parameter (config.pbtxt), else the newest ready version. */
  version?: string;
  /** Overrides the confidence threshold for this image (e.g. 0.01 to compute mAP). */
  confidenceThreshold?: number;
  /** Echoed to the engine as the request id. */
  id?: string;
  /** W3C trace context to propagate to the engine. */
  traceparent?: string;
  signal?: AbortSignal;
  /** Deadline in ms for the whole inspection. Default: the inspector's `defaultTimeoutMs`. */
  timeoutMs?: number;
}

export interface Inspector {
  /** Inspects one image (and its reference). Concurrent calls are batched by the engine. */
  inspect(request: InspectRequest): Promise<InspectionResult>;
  /** The engine the inspector runs on. */
  readonly engine: Engine;
  /** The model repository folder. */
  readonly repository: string;
  /**
   * The model `inspect` runs when a request names none: the `defaultModel` option, else the one
   * model READY when the inspector was created; undefined when several or none were.
   */
  readonly defaultModel: string | undefined;
  /** Every model in the repository folder, with config, versions, labels and card. */
  models(options?: CallOptions): Promise<ModelRepositoryEntry[]>;
  /** Loads (or reloads) a model and forgets what was cached about it. */
  loadModel(name: string, options?: LoadModelOptions): Promise<void>;
  /** Unloads a model and forgets what was cached about it. */
  unloadModel(name: string, options?: CallOptions): Promise<void>;
  /** Closes the engine when the inspector created it. */
  close(): Promise<void>;
}

// Looked up at each use, not once at import: an SDK registered later (often through another copy
// of @opentelemetry/api, CJS beside ESM) never reaches a tracer taken before it.
const tracer = () => trace.getTracer('@chipq/core');

/**
 * Creates an inspector over a model repository. With no `engine`, starts the embedded ONNX
 * Runtime engine and loads `loadModels` (default every model).
 * @throws ChipqError INVALID_INPUT for bad options; a model's load error when it was named.
 */
export async function createInspector(options: InspectorOptions = {}): Promise<Inspector> {
  const resolved = resolveInspectorOptions(options);
  const owned = resolved.engine === undefined;
  const engine =
    resolved.engine ??
    (await createOnnxEngine({ repository: resolved.models, startupModels: resolved.loadModels }));
  try {
    if (!owned) await loadRequested(engine, resolved);
    const defaultModel = resolved.defaultModel ?? (await onlyReadyModel(engine));
    return new DefaultInspector(engine, owned, resolved, defaultModel);
  } catch (error) {
    if (owned) await engine.close();
    throw error;
  }
}

async function loadRequested(engine: Engine, options: ResolvedInspectorOptions): Promise<void> {
  const names =
    options.loadModels === '*'
      ? [...new Set((await engine.repositoryIndex()).map((entry) => entry.name))]
      : options.loadModels;
  for (const name of names) {
    if (!(await engine.isModelReady(name).catch(() => false))) await engine.loadModel(name);
  }
}

/** The one READY model; undefined when there are several or none. */
async function onlyReadyModel(engine: Engine): Promise<string | undefined> {
  const ready = new Set(
    (await engine.repositoryIndex()).filter((e) => e.state === 'READY').map((e) => e.name),
  );
  return ready.size === 1 ? [...ready][0] : undefined;
}

class DefaultInspector implements Inspector {
  readonly #plans: ModelPlanCache;
  readonly #decodes: ConcurrencyLimit;

  constructor(
    readonly engine: Engine,
    private readonly ownsEngine: boolean,
    private readonly options: ResolvedInspectorOptions,
    readonly defaultModel: string | undefined,
  ) {
    this.#plans = new ModelPlanCache(
      engine,
      options.models,
      options.verdict,
      options.modelCacheTtlMs,
      options.imageQuality,
    );
    this.#decodes = new ConcurrencyLimit(options.maxConcurrentDecodes);
  }

  get repository(): string {
    return this.options.models;
  }

  models(options: CallOptions = {}): Promise<ModelRepositoryEntry[]> {
    return readModelRepository(this.options.models, { signal: options.signal });
  }

  async loadModel(name: string, options?: LoadModelOptions): Promise<void> {
    this.#plans.invalidate(name);
    await this.engine.loadModel(name, options);
    this.#plans.invalidate(name);
  }

  async unloadModel(name: string, options?: CallOptions): Promise<void> {
    this.#plans.invalidate(name);
    await this.engine.unloadModel(name, options);
  }

  async close(): Promise<void> {
    if (this.ownsEngine) await this.engine.close();
  }

  inspect(request: InspectRequest): Promise<InspectionResult> {
    return tracer().startActiveSpan('chipq.inspect', async (span) => {
      try {
        const result = await this.#inspect(request);
        span.setAttributes({
          'chipq.model.name': result.model.name,
          'chipq.model.version': result.model.version,
          'chipq.verdict': result.verdict.status,
          'chipq.defects': result.detections.length,
        });
        return result;
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  async #inspect(request: InspectRequest): Promise<InspectionResult> {
    const started = performance.now();
    const timeoutMs = request.timeoutMs ?? this.options.defaultTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const threshold =
      checkConfidence('confidenceThreshold', request.confidenceThreshold) ?? this.options.confidenceThreshold;
    const model = request.model ?? this.defaultModel;
    if (model === undefined) {
      throw new ChipqError(
        'INVALID_INPUT',
        'name a model: the inspector has no default model (several or none are loaded)',
        {
          details: { field: 'model' },
        },
      );
    }
    try {
      const plan = await this.#plans.get(model, { signal });
      const { maxBytes } = this.options.preprocess;
      const [image, reference] = await Promise.all([
        readImageInput(request.image, 'image', maxBytes, signal),
        request.reference === undefined
          ? undefined
          : readImageInput(request.reference, 'reference', maxBytes, signal),
      ]);
      const read = performance.now() - started;
      const pre = await this.#decodes.run(
        () =>
          preprocessPair({
            image,
            reference,
            config: plan.config,
            options: this.options.preprocess,
            gate: plan.gate,
            signal,
          }),
        signal,
      );
      const preprocessEnd = performance.now();
      const result = await this.engine.infer(
        {
          model,
          version: request.version ?? plan.defaultVersion,
          inputs: pre.inputs,
          id: request.id,
          traceparent: request.traceparent,
        },
        { signal, timeoutMs: Math.max(1, deadline - Date.now()) },
      );
      const engineEnded = performance.now();
      const postStarted = engineEnded;
      const rules = resolveVerdictRules({
        ...plan.rules,
        ...(threshold === undefined ? {} : { confidenceThreshold: threshold }),
      });
      const post = resolvePostprocessOptions(plan.config, {
        minConfidence: candidateFloor(rules),
        labels: plan.labels,
      });
      const verdict = gateVerdict(
        decideVerdict(postprocess(result.outputs, pre.transform, post), rules),
        pre.quality,
      );
      const finished = performance.now();
      recordStageSpans({
        started,
        decodeEnd: started + read + pre.timing.decodeMs,
        preprocessEnd,
        engineStarted: preprocessEnd,
        queueMs: result.timing.queueMs,
        engineEnded,
        postStarted,
        finished,
        batchSize: result.timing.batchSize,
      });
      return {
        model: { name: result.model, version: result.version },
        image: pre.image,
        detections: verdict.counted,
        review: verdict.review,
        verdict: { status: verdict.status, rule: verdict.rule, reason: verdict.reason, score: verdict.score },
        ...(pre.quality === undefined ? {} : { quality: pre.quality }),
        timings: {
          decodeMs: read + pre.timing.decodeMs,
          preprocessMs: pre.timing.preprocessMs,
          queueMs: result.timing.queueMs,
          inferMs: result.timing.computeMs ?? result.timing.engineMs,
          postprocessMs: finished - postStarted,
          totalMs: finished - started,
          ...(result.timing.batchSize === undefined ? {} : { batchSize: result.timing.batchSize }),
        },
      };
    } catch (error) {
      // Library code may throw a DOMException on abort; callers always get our codes.
      if (signal.aborted && !(error instanceof ChipqError)) throw abortError(signal);
      throw error;
    }
  }
}
