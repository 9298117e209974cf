/**
 * One model instance: an onnxruntime session in its own worker thread (see onnx-worker.ts for
 * why), running one batch at a time (the scheduler guarantees that). Applies the config's
 * `reshape` on the way in and out and reports the three compute phases Triton reports.
 *
 * Inputs are copied to the worker (a caller's buffers are never detached); outputs are handed
 * back without a copy. The worker keeps the process alive only while it has work.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ChipqError } from '../../errors.js';
import type { Tensor } from '../../kserve/kserve-types.js';
import type { ModelConfig, TensorConfig } from '../../model-repository/model-config.js';
import type { SessionOptions } from './onnx-session-options.js';
import type { ComputeTimes } from './onnx-statistics.js';
import { fromWireTensor, toWireTensor } from './onnx-tensor.js';
import { onnxWorkerMain, type WorkerReply, type WorkerRequest } from './onnx-worker.js';

type Pending = { resolve: (reply: WorkerReply & { ok: true }) => void; reject: (error: Error) => void };
/** Distributive Omit, so each request kind keeps its own fields. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** onnxruntime-node's entry file, resolved here so the worker loads the same copy (ESM and CJS builds). */
function onnxRuntimePath(): string {
  // tsup's ESM bundle defines a `require` shim without `resolve`: test for `resolve` itself.
  return typeof require === 'function' && typeof require.resolve === 'function'
    ? require.resolve('onnxruntime-node')
    : createRequire(import.meta.url).resolve('onnxruntime-node');
}

export class OnnxModelInstance {
  readonly #worker: Worker;
  readonly #config: ModelConfig;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #failure: Error | undefined;

  private constructor(config: ModelConfig) {
    this.#config = config;
    this.#worker = new Worker(`(${onnxWorkerMain.toString()})()`, {
      eval: true,
      workerData: { ortPath: onnxRuntimePath() },
    });
    this.#worker.unref();
    this.#worker.on('message', (reply: WorkerReply) => this.#answer(reply));
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', (code) =>
      this.#fail(new Error(`the instance's worker exited with code ${code}`)),
    );
  }

  /**
   * Opens `modelFile` in a new worker and checks that the model has every input and output the
   * config names.
   * @throws ChipqError MODEL_CONFIG_INVALID when the file cannot be loaded or does not match.
   */
  static async create(
    modelFile: string,
    config: ModelConfig,
    options: SessionOptions,
  ): Promise<OnnxModelInstance> {
    const instance = new OnnxModelInstance(config);
    try {
      const reply = await instance.#call({ kind: 'load', modelFile, options });
      const missing = [
        ...config.input.filter((t) => !reply.inputNames?.includes(t.name)).map((t) => `input ${t.name}`),
        ...config.output.filter((t) => !reply.outputNames?.includes(t.name)).map((t) => `output ${t.name}`),
      ];
      if (missing.length > 0) {
        throw new ChipqError(
          'MODEL_CONFIG_INVALID',
          `${modelFile} has no ${missing.join(', ')} named in config.pbtxt of ${config.name}`,
          {
            details: { file: modelFile, missing },
          },
        );
      }
      return instance;
    } catch (error) {
      await instance.release();
      if (error instanceof ChipqError) throw error;
      throw new ChipqError('MODEL_CONFIG_INVALID', `cannot load ${modelFile}: ${(error as Error).message}`, {
        cause: error,
        details: { file: modelFile },
      });
    }
  }

  /**
   * Runs one batch; `inputs` follow the config (batch dimension first when the model batches).
   * `owned` lists tensors the caller will not touch again (a batch joined for this run): their
   * buffers move to the worker instead of being copied.
   */
  async run(
    inputs: readonly Tensor[],
    owned: ReadonlySet<Tensor> = new Set(),
  ): Promise<{ outputs: Tensor[]; times: ComputeTimes }> {
    const batching = this.#config.maxBatchSize > 0;
    const transfer: ArrayBuffer[] = [];
    const wire = inputs.map((tensor) => {
      const reshape = this.#config.input.find((input) => input.name === tensor.name)?.reshape;
      const message = toWireTensor(
        tensor,
        reshape ? withBatch(reshape, tensor.shape, batching) : tensor.shape,
      );
      const { data } = message;
      const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
      if (!whole) {
        // Posting a view would copy its whole underlying buffer: copy just the view, then move it.
        message.data = (data as Uint8Array).slice();
        transfer.push(message.data.buffer as ArrayBuffer);
      } else if (owned.has(tensor) && data.buffer instanceof ArrayBuffer) {
        transfer.push(data.buffer);
      }
      return message;
    });
    let reply: WorkerReply & { ok: true };
    try {
      reply = await this.#call(
        { kind: 'run', inputs: wire, outputs: this.#config.output.map((output) => output.name) },
        transfer,
      );
    } catch (error) {
      throw new ChipqError(
        'INFERENCE_FAILED',
        `model ${this.#config.name} failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const outputs = (reply.outputs ?? []).map((value) => {
      const tensor = fromWireTensor(value);
      const output = this.#config.output.find((o) => o.name === tensor.name) as TensorConfig;
      return output.reshape ? reportedShape(output, tensor, batching) : tensor;
    });
    return { outputs, times: reply.times ?? { inputNs: 0, inferNs: 0, outputNs: 0 } };
  }

  /** Releases the session and ends the worker. */
  async release(): Promise<void> {
    if (!this.#failure) await this.#call({ kind: 'release' }).catch(() => undefined);
    this.#failure ??= new Error('the instance was released');
    await this.#worker.terminate();
  }

  #call(
    request: WithoutId<WorkerRequest>,
    transfer: ArrayBuffer[] = [],
  ): Promise<WorkerReply & { ok: true }> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    // A worker with work in hand keeps the process alive, an idle one does not.
    if (this.#pending.size === 0) this.#worker.ref();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id } as WorkerRequest, transfer);
    });
  }

  #answer(reply: WorkerReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (reply.ok) pending.resolve(reply);
    else pending.reject(new Error(reply.message));
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

/** The model-side shape for a config `reshape`: the batch dimension stays in front. */
function withBatch(reshape: readonly number[], shape: readonly number[], batching: boolean): number[] {
  return batching ? [shape[0] as number, ...reshape] : [...reshape];
}

/** An output with `reshape` is reported in its config `dims`, as Triton does, when those are fixed. */
function reportedShape(output: TensorConfig, tensor: Tensor, batching: boolean): Tensor {
  if (output.dims.includes(-1)) return tensor;
  const shape = batching ? [tensor.shape[0] as number, ...output.dims] : [...output.dims];
  return { ...tensor, shape };
}
