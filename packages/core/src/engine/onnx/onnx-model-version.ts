/**
 * One loaded version of a model: its instances (sessions), its batch scheduler and its
 * statistics. Requests are validated by the engine, queued here, joined into batches along
 * dim 0, run on a free instance and split back per request.
 */

import { throwIfAborted } from '../../abort.js';
import { ChipqError } from '../../errors.js';
import type { Tensor } from '../../kserve/kserve-types.js';
import type { ModelConfig } from '../../model-repository/model-config.js';
import type { ValidatedRequest } from '../request-validation.js';
import type { BatchPolicy } from './batching/batch-policy.js';
import { BatchScheduler } from './batching/batch-scheduler.js';
import { type QueuePolicy, queuePolicyOf } from './batching/queue-policy.js';
import { concatBatch, splitBatch } from './batching/tensor-batch.js';
import { type InstanceHooks, OnnxModelInstance } from './onnx-model-instance.js';
import { type InstanceSettings, resolveSessionOptions } from './onnx-session-options.js';
import { type ComputeTimes, OnnxStatistics } from './onnx-statistics.js';

interface RequestResult {
  outputs: Tensor[];
  times: ComputeTimes;
}

export interface VersionInferResult {
  outputs: Tensor[];
  queueMs: number;
  computeMs: number;
  /** Batch elements in the execution that ran the request. */
  batchSize: number;
}

/** The scheduler settings a config asks for. */
function batchPolicyOf(config: ModelConfig): BatchPolicy {
  const dynamic = config.dynamicBatching;
  return {
    maxBatchSize: config.maxBatchSize,
    dynamic: dynamic !== undefined,
    preferredBatchSizes: dynamic?.preferredBatchSize ?? [],
    maxQueueDelayMs: (dynamic?.maxQueueDelayMicroseconds ?? 0) / 1000,
  };
}

/** Instances the config asks for: the sum of its instance groups' counts, at least 1. */
function instanceCountOf(config: ModelConfig): number {
  return Math.max(
    1,
    config.instanceGroup.reduce((sum, group) => sum + group.count, 0),
  );
}

export class OnnxModelVersion {
  readonly version: number;
  readonly config: ModelConfig;
  readonly statistics: OnnxStatistics;
  readonly #instances: OnnxModelInstance[];
  readonly #scheduler: BatchScheduler<ValidatedRequest, RequestResult>;

  private constructor(
    version: number,
    config: ModelConfig,
    instances: OnnxModelInstance[],
    queuePolicy: QueuePolicy,
  ) {
    this.version = version;
    this.config = config;
    this.statistics = new OnnxStatistics(config.name, String(version));
    this.#instances = instances;
    this.#scheduler = new BatchScheduler({
      policy: batchPolicyOf(config),
      queuePolicy,
      instances: instances.length,
      execute: (requests, instance) => this.#execute(requests, instance),
    });
  }

  /**
   * Opens one session per instance. On failure or abort, sessions already opened are released.
   * @throws ChipqError MODEL_CONFIG_INVALID, or CANCELLED / DEADLINE_EXCEEDED from `signal`.
   */
  static async load(
    version: number,
    modelFile: string,
    config: ModelConfig,
    settings: InstanceSettings,
    signal?: AbortSignal,
    hooks: InstanceHooks = {},
  ): Promise<OnnxModelVersion> {
    const count = instanceCountOf(config);
    const options = resolveSessionOptions(config, settings, count);
    const queuePolicy = queuePolicyOf(config);
    const instances: OnnxModelInstance[] = [];
    try {
      for (let i = 0; i < count; i++) {
        throwIfAborted(signal);
        instances.push(await OnnxModelInstance.create(modelFile, config, options, hooks));
      }
      throwIfAborted(signal);
    } catch (error) {
      await Promise.all(instances.map((instance) => instance.release()));
      throw error;
    }
    return new OnnxModelVersion(version, config, instances, queuePolicy);
  }

  /** Queues a validated request; resolves when its batch has run. */
  async infer(
    request: ValidatedRequest,
    options: { signal?: AbortSignal; deadline?: number; timeoutMs?: number },
  ): Promise<VersionInferResult> {
    const started = performance.now();
    try {
      const { result, queueMs, batchSize } = await this.#scheduler.submit(request, {
        batchSize: request.batchSize,
        shapeKey: request.shapeKey,
        ...options,
      });
      const { inputNs, inferNs, outputNs } = result.times;
      this.statistics.recordSuccess((performance.now() - started) * 1e6, queueMs * 1e6, result.times);
      return { outputs: result.outputs, queueMs, computeMs: (inputNs + inferNs + outputNs) / 1e6, batchSize };
    } catch (error) {
      this.statistics.recordFailure((performance.now() - started) * 1e6);
      throw error;
    }
  }

  /** Requests waiting for a batch or an instance. */
  get queued(): number {
    return this.#scheduler.queued;
  }

  /** Fails queued requests with `error` and refuses new ones; running batches finish. */
  stop(error: ChipqError): void {
    this.#scheduler.close(error);
  }

  /** Waits until queued and running requests are done, then releases the sessions. */
  async release(): Promise<void> {
    await this.#scheduler.whenIdle();
    this.#scheduler.close(
      new ChipqError('MODEL_NOT_READY', `model ${this.config.name} version ${this.version} is unloaded`),
    );
    await Promise.all(this.#instances.map((instance) => instance.release()));
  }

  async #execute(requests: ValidatedRequest[], instance: number): Promise<RequestResult[]> {
    const first = requests[0] as ValidatedRequest;
    const t0 = performance.now();
    const inputs = first.inputs.map((_, i) =>
      concatBatch(requests.map((request) => request.inputs[i] as Tensor)),
    );
    const joinNs = (performance.now() - t0) * 1e6;
    // Tensors joined from several requests are ours to give away; a lone request's are the caller's.
    const owned = new Set(requests.length > 1 ? inputs : []);
    const { outputs, times } = await (this.#instances[instance] as OnnxModelInstance).run(inputs, owned);
    const t1 = performance.now();
    const sizes = requests.map((request) => request.batchSize);
    // A model without batching gets one request per run: its outputs are returned whole.
    const pieces =
      this.config.maxBatchSize > 0
        ? outputs.map((output) => splitBatch(output, sizes))
        : outputs.map((output) => [output]);
    const batchTimes: ComputeTimes = {
      inputNs: times.inputNs + joinNs,
      inferNs: times.inferNs,
      outputNs: times.outputNs + (performance.now() - t1) * 1e6,
    };
    this.statistics.recordExecution(
      sizes.reduce((sum, size) => sum + size, 0),
      batchTimes,
    );
    return requests.map((request, r) => ({
      outputs: pieces
        .map((perRequest) => perRequest[r] as Tensor)
        .filter((output) => request.outputs.includes(output.name)),
      times: batchTimes,
    }));
  }
}
