/**
 * The engine contract: what chipq needs of an inference backend. The embedded ONNX Runtime engine
 * (`engine/onnx/`) and the Triton engine (`engine/triton/`) implement it file for file, and both
 * pass the one conformance suite in `test/support/conformance/engine-conformance.ts` (CONVENTIONS.md §2, §3).
 *
 * Semantics follow Triton's KServe v2 API so moving a model between engines changes nothing:
 * versions are strings ("1"), tensor shapes include the batch dimension when the model batches,
 * statistics mirror ModelStatistics.
 */
import type {
  InferRequest,
  ModelIndexEntry,
  ModelMetadata,
  ModelStatistics,
  Tensor,
} from '../kserve/kserve-types.js';
import type { ModelConfig } from '../model-repository/model-config.js';

export interface CallOptions {
  /** Aborts the call; the engine stops waiting and frees queued work. */
  signal?: AbortSignal;
  /** Deadline for this call in milliseconds from now. Default: the engine's own default. */
  timeoutMs?: number;
}

export interface InferResult {
  model: string;
  version: string;
  id?: string;
  outputs: Tensor[];
  timing: InferTiming;
}

/** Where the time of one `infer` call went, in milliseconds. */
export interface InferTiming {
  /** Waiting for a batch / an instance; null when the engine cannot know (Triton reports no per-request split). */
  queueMs: number | null;
  /** Running the model, input and output copies included; null when the engine cannot know (Triton). */
  computeMs: number | null;
  /**
   * The whole call as the caller saw it: queue and compute, plus validation and, on Triton, the
   * network round trip. Always known. Triton's own queue/compute split is in `statistics()`.
   */
  engineMs: number;
  /** Batch elements in the model execution that ran this request; absent when the engine does not say (Triton). */
  batchSize?: number;
}

export interface LoadModelOptions extends CallOptions {
  /** Replaces the repository's config.pbtxt for this load (Triton's `config` load parameter). */
  config?: ModelConfig;
}

/** Which implementation an engine is: the embedded ONNX Runtime one or Triton. */
export type EngineKind = 'onnx' | 'triton';

export interface Engine {
  readonly kind: EngineKind;
  /** False, not an error, when the engine is closed (or, for Triton, the server unreachable). */
  isLive(options?: CallOptions): Promise<boolean>;
  /** False, not an error, when the engine is closed (or, for Triton, the server unreachable). */
  isReady(options?: CallOptions): Promise<boolean>;
  /** Every model the repository holds, loaded or not. */
  repositoryIndex(options?: CallOptions): Promise<ModelIndexEntry[]>;
  /** Loads (or reloads) every version the model's version_policy selects. */
  loadModel(name: string, options?: LoadModelOptions): Promise<void>;
  /**
   * Unloads the model: new requests are refused with MODEL_NOT_READY at once; resolves after the
   * requests already in flight have finished (answered or failed).
   */
  unloadModel(name: string, options?: CallOptions): Promise<void>;
  /** False, not an error, for an unknown model or a closed engine. */
  isModelReady(name: string, version?: string, options?: CallOptions): Promise<boolean>;
  modelMetadata(name: string, version?: string, options?: CallOptions): Promise<ModelMetadata>;
  /** The config the engine runs the model with (after overrides and defaults). */
  modelConfig(name: string, version?: string, options?: CallOptions): Promise<ModelConfig>;
  infer(request: InferRequest, options?: CallOptions): Promise<InferResult>;
  /** Statistics for one model (and version) or, with no name, for every loaded model. */
  statistics(name?: string, version?: string, options?: CallOptions): Promise<ModelStatistics[]>;
  /**
   * Requests waiting in this process for a batch or an instance, per loaded model. The embedded
   * engine has it; Triton's own queue shows on its metrics port (nv_inference_pending_request_count).
   */
  queueDepths?(): Map<string, number>;
  /**
   * Stops accepting work, fails queued requests with ENGINE_UNAVAILABLE, frees resources.
   * Afterwards `isLive`, `isReady` and `isModelReady` resolve false, every other method rejects
   * with ENGINE_UNAVAILABLE, and `close` resolves again (idempotent). Same on every engine.
   */
  close(): Promise<void>;
}
