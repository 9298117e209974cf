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
  /** Where the time went, as the engine saw it. */
  timing: {
    /** Waiting for a batch / an instance. */
    queueMs: number;
    /** Running the model (including input/output copies). */
    computeMs: number;
  };
}

export interface LoadModelOptions extends CallOptions {
  /** Replaces the repository's config.pbtxt for this load (Triton's `config` load parameter). */
  config?: ModelConfig;
}

/** Which implementation an engine is: the embedded ONNX Runtime one or Triton. */
export type EngineKind = 'onnx' | 'triton';

export interface Engine {
  readonly kind: EngineKind;
  isLive(options?: CallOptions): Promise<boolean>;
  isReady(options?: CallOptions): Promise<boolean>;
  /** Every model the repository holds, loaded or not. */
  repositoryIndex(options?: CallOptions): Promise<ModelIndexEntry[]>;
  /** Loads (or reloads) every version the model's version_policy selects. */
  loadModel(name: string, options?: LoadModelOptions): Promise<void>;
  unloadModel(name: string, options?: CallOptions): Promise<void>;
  isModelReady(name: string, version?: string, options?: CallOptions): Promise<boolean>;
  modelMetadata(name: string, version?: string, options?: CallOptions): Promise<ModelMetadata>;
  /** The config the engine runs the model with (after overrides and defaults). */
  modelConfig(name: string, version?: string, options?: CallOptions): Promise<ModelConfig>;
  infer(request: InferRequest, options?: CallOptions): Promise<InferResult>;
  /** Statistics for one model (and version) or, with no name, for every loaded model. */
  statistics(name?: string, version?: string, options?: CallOptions): Promise<ModelStatistics[]>;
  /** Stops accepting work, fails queued requests with ENGINE_UNAVAILABLE, frees resources. */
  close(): Promise<void>;
}
