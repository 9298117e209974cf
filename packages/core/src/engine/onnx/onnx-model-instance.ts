/**
 * One model instance: an onnxruntime session in its own worker thread (see onnx-worker.ts for
 * why), running one batch at a time (the scheduler guarantees that). Applies the config's
 * `reshape` on the way in and out and reports the three compute phases Triton reports.
 *
 * Inputs are copied to the worker (a caller's buffers are never detached); outputs are handed
 * back without a copy. The worker keeps the process alive only while it has work.
 *
 * A worker that dies (a crash in onnxruntime, an out-of-memory kill, a terminate) fails the
 * requests it held; the instance then starts a new worker and reloads the session, within a
 * RestartBudget, and requests arriving meanwhile wait for it. When the budget is spent the
 * instance is dead for good: `onDead` tells the engine, which marks the model UNAVAILABLE.
 */
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { ChipqError, isChipqError } from '../../errors.js';
import type { Tensor } from '../../kserve/kserve-types.js';
import type { ModelConfig, TensorConfig } from '../../model-repository/model-config.js';
import type { SessionOptions } from './onnx-session-options.js';
import type { ComputeTimes } from './onnx-statistics.js';
import { fromWireTensor, toWireTensor } from './onnx-tensor.js';
import { onnxWorkerMain, type WorkerReply, type WorkerRequest } from './onnx-worker.js';
import { RestartBudget } from './restart-budget.js';

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

export interface InstanceHooks {
  /** Called once when the worker died and could not be restarted; `reason` says why. */
  onDead?: (reason: string) => void;
}

type LoadedSession = { modelFile: string; options: SessionOptions };

export class OnnxModelInstance {
  readonly #config: ModelConfig;
  readonly #hooks: InstanceHooks;
  readonly #pending = new Map<number, Pending>();
  readonly #restarts = new RestartBudget();
  #worker: Worker;
  /** Bumped per worker and when one is lost, so a lost worker's later events are ignored. */
  #generation = 0;
  #nextId = 0;
  /** What the session was loaded from; set once the first load worked (a restart reloads it). */
  #session: LoadedSession | undefined;
  /** Settles when the restart in progress (if any) has ended. */
  #ready: Promise<void> = Promise.resolve();
  #restarting = false;
  /** Set for good: released, or dead once the restart budget was spent. */
  #failure: Error | undefined;

  private constructor(config: ModelConfig, hooks: InstanceHooks) {
    this.#config = config;
    this.#hooks = hooks;
    this.#worker = this.#spawn();
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
    hooks: InstanceHooks = {},
  ): Promise<OnnxModelInstance> {
    const instance = new OnnxModelInstance(config, hooks);
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
      instance.#session = { modelFile, options };
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
      await this.#ready;
      reply = await this.#call(
        { kind: 'run', inputs: wire, outputs: this.#config.output.map((output) => output.name) },
        transfer,
      );
    } catch (error) {
      if (isChipqError(error)) throw error;
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

  /** Releases the session and ends the worker (and a restart in progress). */
  async release(): Promise<void> {
    if (!this.#failure && !this.#restarting) await this.#call({ kind: 'release' }).catch(() => undefined);
    this.#failure ??= new ChipqError(
      'MODEL_NOT_READY',
      `an instance of model ${this.#config.name} was released`,
    );
    await this.#worker.terminate();
  }

  #spawn(): Worker {
    const generation = ++this.#generation;
    const worker = new Worker(`(${onnxWorkerMain.toString()})()`, {
      eval: true,
      workerData: { ortPath: onnxRuntimePath() },
    });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      if (generation === this.#generation) this.#answer(reply);
    });
    worker.on('error', (error) => this.#lost(generation, error));
    worker.on('exit', (code) =>
      this.#lost(generation, new Error(`the instance's worker exited with code ${code}`)),
    );
    return worker;
  }

  /** The worker of `generation` died: fail what it held, then restart it if it had loaded. */
  #lost(generation: number, error: Error): void {
    if (generation !== this.#generation) return;
    this.#generation++;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    if (this.#failure || this.#restarting) return;
    if (!this.#session) {
      this.#failure = error;
      return;
    }
    this.#restarting = true;
    this.#ready = this.#restart(this.#session, error).finally(() => {
      this.#restarting = false;
    });
    this.#ready.catch(() => undefined);
  }

  /** New workers with the same session, within the budget; then dead with the reason. */
  async #restart(session: LoadedSession, cause: Error): Promise<void> {
    let last = cause;
    for (
      let delay = this.#restarts.nextDelayMs();
      delay !== undefined;
      delay = this.#restarts.nextDelayMs()
    ) {
      await sleep(delay, undefined, { ref: false });
      if (this.#failure) throw this.#failure;
      this.#worker = this.#spawn();
      try {
        await this.#call({ kind: 'load', ...session });
        this.#restarts.succeeded();
        return;
      } catch (error) {
        last = error as Error;
        if (this.#failure) throw this.#failure;
        await this.#worker.terminate();
      }
    }
    const reason = `an instance's worker died (${cause.message}) and could not be restarted: ${last.message}`;
    this.#failure = new ChipqError(
      'MODEL_NOT_READY',
      `model ${this.#config.name} is unavailable: ${reason}`,
      {
        cause: last,
        details: { model: this.#config.name },
      },
    );
    this.#hooks.onDead?.(reason);
    throw this.#failure;
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
