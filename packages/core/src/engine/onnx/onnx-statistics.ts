/**
 * Statistics of one loaded model version, counted the way Triton's ModelStatistics counts them:
 * per request, `success`/`fail` (whole time in the engine), `queue` and the three compute phases
 * (each request of a batch is charged its batch's compute time); per execution,
 * `execution_count` and the per-batch-size `batch_stats`; `inference_count` counts batch
 * elements, not requests. A reload starts from zero, as in Triton.
 */
import type { ModelStatistics, StatisticDuration } from '../../kserve/kserve-types.js';

/** Nanoseconds spent in each phase of one batch execution. */
export interface ComputeTimes {
  inputNs: number;
  inferNs: number;
  outputNs: number;
}

const duration = (): StatisticDuration => ({ count: 0, ns: 0 });

function add(target: StatisticDuration, ns: number): void {
  target.count += 1;
  target.ns += Math.round(ns);
}

export class OnnxStatistics {
  readonly #name: string;
  readonly #version: string;
  #lastInference = 0;
  #inferenceCount = 0;
  #executionCount = 0;
  readonly #stats = {
    success: duration(),
    fail: duration(),
    queue: duration(),
    computeInput: duration(),
    computeInfer: duration(),
    computeOutput: duration(),
  };
  readonly #batches = new Map<number, StatisticDuration>();

  constructor(name: string, version: string) {
    this.#name = name;
    this.#version = version;
  }

  /** One model execution over `batchSize` elements. */
  recordExecution(batchSize: number, times: ComputeTimes): void {
    this.#executionCount += 1;
    this.#inferenceCount += batchSize;
    let entry = this.#batches.get(batchSize);
    if (entry === undefined) {
      entry = duration();
      this.#batches.set(batchSize, entry);
    }
    add(entry, times.inferNs);
  }

  /** A request answered with outputs. */
  recordSuccess(totalNs: number, queueNs: number, times: ComputeTimes): void {
    this.#lastInference = Date.now();
    add(this.#stats.success, totalNs);
    add(this.#stats.queue, queueNs);
    add(this.#stats.computeInput, times.inputNs);
    add(this.#stats.computeInfer, times.inferNs);
    add(this.#stats.computeOutput, times.outputNs);
  }

  /** A request that failed (invalid, cancelled, timed out or failed in the runtime). */
  recordFailure(totalNs: number): void {
    add(this.#stats.fail, totalNs);
  }

  /** A copy of the current numbers. */
  snapshot(): ModelStatistics {
    const copy = (d: StatisticDuration): StatisticDuration => ({ count: d.count, ns: d.ns });
    return {
      name: this.#name,
      version: this.#version,
      lastInference: this.#lastInference,
      inferenceCount: this.#inferenceCount,
      executionCount: this.#executionCount,
      inferenceStats: {
        success: copy(this.#stats.success),
        fail: copy(this.#stats.fail),
        queue: copy(this.#stats.queue),
        computeInput: copy(this.#stats.computeInput),
        computeInfer: copy(this.#stats.computeInfer),
        computeOutput: copy(this.#stats.computeOutput),
      },
      batchStats: [...this.#batches.entries()]
        .sort(([a], [b]) => a - b)
        .map(([batchSize, computeInfer]) => ({ batchSize, computeInfer: copy(computeInfer) })),
    };
  }
}
