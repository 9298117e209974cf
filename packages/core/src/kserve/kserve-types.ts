/**
 * The KServe v2 inference protocol's shapes, as chipq uses them: tensors, an inference request,
 * model metadata, the repository index and Triton's statistics. Both the engine contract
 * (`engine/engine.ts`) and the Triton client (`triton-client/`) speak them, so neither depends on
 * the other and a model moves between engines unchanged.
 */
import type { DataType } from '../model-repository/model-config.js';

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
  /**
   * Triton's `timeout` request parameter: the longest wait in the model's queue, in microseconds.
   * Honoured only when the model's queue policy sets `allow_timeout_override`, and only to
   * shorten its `default_timeout_microseconds`.
   */
  timeoutMicroseconds?: number;
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
