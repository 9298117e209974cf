/**
 * The engine contract: what chipq needs of an inference backend. The embedded ONNX Runtime engine
 * (`engine/onnx/`) and the Triton engine (`engine/triton/`) implement it file for file, and both
 * pass the one conformance suite in `engine/engine-conformance.ts` (CONVENTIONS.md §2, §3).
 *
 * Semantics follow Triton's KServe v2 API so moving a model between engines changes nothing:
 * versions are strings ("1"), tensor shapes include the batch dimension when the model batches,
 * statistics mirror ModelStatistics.
 */
import type { DataType, ModelConfig } from '../model-repository/model-config.js';

/** Typed array that holds a tensor's elements (FP16/BF16 as raw Uint16Array, BYTES unsupported). */
export type TensorData =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

export interface Tensor {
  name: string;
  datatype: DataType;
  /** Full shape, batch dimension first when the model batches. */
  shape: number[];
  data: TensorData;
}

export interface CallOptions {
  /** Aborts the call; the engine stops waiting and frees queued work. */
  signal?: AbortSignal;
  /** Deadline for this call in milliseconds from now. Default: the engine's own default. */
  timeoutMs?: number;
}

export interface InferRequest {
  model: string;
  /** Default: the newest ready version. */
  version?: string;
  inputs: Tensor[];
  /** Outputs to return; default all. */
  outputs?: string[];
  /** Caller's request id, echoed back. */
  id?: string;
  /** W3C trace context to propagate (Triton sends it as gRPC metadata). */
  traceparent?: string;
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

export type ModelState = 'READY' | 'UNAVAILABLE' | 'LOADING' | 'UNLOADING';

export interface ModelIndexEntry {
  name: string;
  /** Empty when the model is not loaded and its versions are unknown to the engine. */
  version: string;
  state: ModelState;
  reason: string;
}

export interface TensorMetadata {
  name: string;
  datatype: DataType;
  /** Full shape with -1 for the batch dimension and variable dims. */
  shape: number[];
}

export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

/** Count and cumulative duration, as Triton's StatisticDuration. */
export interface StatisticDuration {
  count: number;
  ns: number;
}

export interface ModelStatistics {
  name: string;
  version: string;
  /** Epoch milliseconds of the last inference, 0 when none. */
  lastInference: number;
  /** Images (batch elements) inferred. */
  inferenceCount: number;
  /** Model executions (batches run). */
  executionCount: number;
  inferenceStats: {
    success: StatisticDuration;
    fail: StatisticDuration;
    queue: StatisticDuration;
    computeInput: StatisticDuration;
    computeInfer: StatisticDuration;
    computeOutput: StatisticDuration;
  };
  /** One entry per batch size executed. */
  batchStats: Array<{ batchSize: number; computeInfer: StatisticDuration }>;
}

export interface LoadModelOptions extends CallOptions {
  /** Replaces the repository's config.pbtxt for this load (Triton's `config` load parameter). */
  config?: ModelConfig;
}

export interface Engine {
  /** `onnx` (embedded) or `triton`. */
  readonly kind: string;
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
