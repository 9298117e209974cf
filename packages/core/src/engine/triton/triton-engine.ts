/**
 * The Triton engine: the engine contract over Triton's KServe v2 gRPC API, through the typed
 * client in `src/triton-client/`. Triton does the model management, batching and statistics; this file
 * checks requests before the wire, gives every call one deadline and the engine's close signal,
 * and smooths the two places where Triton answers differently from the embedded engine (an
 * ambiguous load failure, and a failed model vanishing from the repository index).
 */
import { untilAborted } from '../../abort.js';
import { ChipqError, isChipqError } from '../../errors.js';
import type {
  InferRequest,
  ModelIndexEntry,
  ModelMetadata,
  ModelStatistics,
} from '../../kserve/kserve-types.js';
import type { ModelConfig } from '../../model-repository/model-config.js';
import { createTritonClient } from '../../triton-client/create-triton-client.js';
import { TritonHttpInfer } from '../../triton-client/http/http-infer.js';
import type {
  TritonCallOptions,
  TritonClient,
  TritonInferOptions,
  TritonInferResponse,
} from '../../triton-client/triton-client.js';
import type { CallOptions, Engine, InferResult, LoadModelOptions } from '../engine.js';
import { KeyedSerializer } from '../keyed-serializer.js';
import { validateRequest } from '../request-validation.js';
import {
  type ResolvedTritonEngineOptions,
  resolveTritonEngineOptions,
  type TritonEngineOptions,
} from './triton-engine-options.js';
import { TritonModelConfigs } from './triton-model-configs.js';
import { SharedMemoryPool } from './triton-shared-memory.js';
import { TritonStatistics } from './triton-statistics.js';

/**
 * Creates an engine that runs models on the Triton Inference Server at `options.url`
 * (default `127.0.0.1:8001`) and loads `startupModels`. The channel connects lazily: creating the
 * engine with no startup models does not need the server to be up.
 * @throws ChipqError INVALID_INPUT for invalid options; the load error of a startup model.
 */
export async function createTritonEngine(options: TritonEngineOptions = {}): Promise<Engine> {
  const engine = new TritonEngine(resolveTritonEngineOptions(options));
  try {
    for (const name of engine.options.startupModels) await engine.loadModel(name);
  } catch (error) {
    await engine.close();
    throw error;
  }
  return engine;
}

class TritonEngine implements Engine {
  readonly kind = 'triton';
  readonly options: ResolvedTritonEngineOptions;
  readonly #client: TritonClient;
  readonly #configs: TritonModelConfigs;
  /** Aborted by close(): every call in flight ends with ENGINE_UNAVAILABLE. */
  readonly #closing = new AbortController();
  /** Why the last load of a model failed; Triton drops such a model from its index. */
  readonly #loadFailures = new Map<string, string>();
  /** Models this engine loaded with a config override (see loadModel). */
  readonly #overridden = new Set<string>();
  readonly #statistics = new TritonStatistics();
  /**
   * Loads and unloads of one model run one after another, as in the embedded engine: the
   * override bookkeeping below reads the outcome of the previous call, and Triton itself does not
   * order concurrent repository calls for one model.
   */
  readonly #modelQueue = new KeyedSerializer();
  /** Inferences sent and not yet answered, per model: unloadModel waits for them (engine contract). */
  readonly #inFlight = new Map<string, Set<Promise<unknown>>>();
  /** Input tensors through /dev/shm when `sharedMemory: 'system'`. */
  readonly #sharedMemory: SharedMemoryPool | undefined;
  /** Inferences over HTTP/REST when the options name Triton's HTTP endpoint; else over gRPC. */
  readonly #http: TritonHttpInfer | undefined;

  constructor(options: ResolvedTritonEngineOptions) {
    this.options = options;
    this.#client = createTritonClient(options.channel);
    this.#http =
      options.httpUrl === undefined
        ? undefined
        : new TritonHttpInfer({ url: options.httpUrl, defaultTimeoutMs: options.channel.defaultTimeoutMs });
    this.#configs = new TritonModelConfigs(this.#client, options.channel.defaultTimeoutMs);
    this.#sharedMemory = options.sharedMemory === 'system' ? new SharedMemoryPool(this.#client) : undefined;
  }

  /** False, not an error, when Triton cannot be reached or the engine is closed. */
  async isLive(options?: CallOptions): Promise<boolean> {
    return this.#health(() => this.#client.serverLive(this.#call(options)));
  }

  /** False, not an error, when Triton cannot be reached or the engine is closed. */
  async isReady(options?: CallOptions): Promise<boolean> {
    return this.#health(() => this.#client.serverReady(this.#call(options)));
  }

  async repositoryIndex(options?: CallOptions): Promise<ModelIndexEntry[]> {
    const index = await this.#client.repositoryIndex(this.#call(options));
    for (const [name, reason] of this.#loadFailures) {
      if (!index.some((entry) => entry.name === name))
        index.push({ name, version: '', state: 'UNAVAILABLE', reason });
    }
    return index.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  }

  /**
   * Loads or reloads `name`. Triton keeps a config override across a later plain load when the
   * model's files did not change, so a plain load after an override this engine made unloads
   * first: config.pbtxt applies again, as the contract says (the model is briefly unavailable).
   */
  async loadModel(name: string, options: LoadModelOptions = {}): Promise<void> {
    const call = this.#call(options, this.options.channel.repositoryTimeoutMs);
    return this.#modelQueue.run(name, () => this.#load(name, options, call));
  }

  /**
   * Triton refuses new requests at once and lets those in flight finish; this resolves after the
   * unload was accepted and this engine's own requests to the model have been answered.
   */
  async unloadModel(name: string, options?: CallOptions): Promise<void> {
    const call = this.#call(options, this.options.channel.repositoryTimeoutMs);
    // Over HTTP an inference travels on its own connection, not the gRPC channel the unload takes,
    // so an unload sent now could overtake a request already sent: let those finish first.
    if (this.#http)
      await untilAborted(Promise.allSettled([...(this.#inFlight.get(name) ?? [])]), call.signal);
    await this.#modelQueue.run(name, async () => {
      this.#configs.forget(name);
      this.#statistics.forget(name);
      this.#loadFailures.delete(name);
      this.#overridden.delete(name);
      await this.#client.repositoryModelUnload(name, call);
    });
    await untilAborted(Promise.allSettled([...(this.#inFlight.get(name) ?? [])]), call.signal);
  }

  async #load(name: string, options: LoadModelOptions, call: TritonCallOptions): Promise<void> {
    this.#configs.forget(name);
    try {
      if (!options.config && this.#overridden.has(name)) await this.#client.repositoryModelUnload(name, call);
      await this.#client.repositoryModelLoad(name, {
        ...call,
        ...(options.config ? { config: options.config } : {}),
      });
      this.#loadFailures.delete(name);
      if (options.config) this.#overridden.add(name);
      else this.#overridden.delete(name);
    } catch (error) {
      const explained = await this.#explainLoadFailure(name, error, call);
      if (isChipqError(explained) && explained.code === 'MODEL_CONFIG_INVALID')
        this.#loadFailures.set(name, explained.message);
      throw explained;
    } finally {
      this.#configs.forget(name);
      this.#statistics.forget(name);
    }
  }

  /** False, not an error, for an unknown model or a closed engine. */
  async isModelReady(name: string, version?: string, options?: CallOptions): Promise<boolean> {
    if (this.#closing.signal.aborted) return false;
    return this.#client.modelReady(name, version ?? '', this.#call(options));
  }

  async modelMetadata(name: string, version?: string, options?: CallOptions): Promise<ModelMetadata> {
    return this.#client.modelMetadata(name, version ?? '', this.#call(options));
  }

  async modelConfig(name: string, version?: string, options?: CallOptions): Promise<ModelConfig> {
    return this.#client.modelConfig(name, version ?? '', this.#call(options));
  }

  /**
   * Checks the request against the model's config, then sends it once. Triton does not report
   * per-request times, so `timing.queueMs` and `computeMs` are null and `engineMs` is the round
   * trip as seen here; Triton's own split is in `statistics()`.
   */
  async infer(request: InferRequest, options?: CallOptions): Promise<InferResult> {
    const started = performance.now();
    const call = this.#call(options);
    const config = await this.#configs.get(request.model, request.version ?? '', call.signal);
    // Checked here, as Triton would on arrival: a bad request costs no round trip.
    validateRequest(config, request, { engine: 'Triton' });
    const shared = this.#sharedMemory ? await this.#sharedMemory.write(request.inputs, call) : undefined;
    let answered = false;
    try {
      const response = await this.#track(
        request.model,
        this.#modelInfer(request, shared ? { ...call, sharedMemory: shared.refs } : call),
      );
      answered = true;
      this.#statistics.answered(response.model, response.version);
      const result: InferResult = {
        model: response.model,
        version: response.version,
        outputs: response.outputs,
        timing: { queueMs: null, computeMs: null, engineMs: performance.now() - started },
      };
      if (request.id !== undefined) result.id = response.id;
      return result;
    } catch (error) {
      if (isChipqError(error) && (error.code === 'MODEL_NOT_FOUND' || error.code === 'MODEL_NOT_READY'))
        this.#configs.forget(request.model);
      throw error;
    } finally {
      if (shared) this.#sharedMemory?.release(shared.region, answered);
    }
  }

  /** Triton's statistics, including every request this engine already got an answer for (triton-statistics.ts). */
  async statistics(name?: string, version?: string, options?: CallOptions): Promise<ModelStatistics[]> {
    const call = this.#call(options);
    return this.#statistics.read(
      () => this.#client.modelStatistics(name ?? '', version ?? '', call),
      call.signal,
    );
  }

  /** Ends every call in flight with ENGINE_UNAVAILABLE and closes the channel. Idempotent. */
  async close(): Promise<void> {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort(
      new ChipqError('ENGINE_UNAVAILABLE', `the Triton engine for ${this.#client.target} is closed`),
    );
    await this.#sharedMemory?.close();
    this.#client.close();
    await this.#http?.close();
  }

  #modelInfer(request: InferRequest, options: TritonInferOptions): Promise<TritonInferResponse> {
    return this.#http ? this.#http.infer(request, options) : this.#client.modelInfer(request, options);
  }

  /** Counts `work` as in flight for `model` until it settles. */
  async #track<T>(model: string, work: Promise<T>): Promise<T> {
    let calls = this.#inFlight.get(model);
    if (!calls) {
      calls = new Set();
      this.#inFlight.set(model, calls);
    }
    calls.add(work);
    try {
      return await work;
    } finally {
      calls.delete(work);
      if (calls.size === 0 && this.#inFlight.get(model) === calls) this.#inFlight.delete(model);
    }
  }

  /** One deadline and one signal (caller's, deadline, close) for everything a call does. */
  #call(
    options: CallOptions = {},
    defaultTimeoutMs = this.options.channel.defaultTimeoutMs,
  ): TritonCallOptions & { signal: AbortSignal } {
    if (this.#closing.signal.aborted) throw this.#closing.signal.reason;
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    const signals = [this.#closing.signal, AbortSignal.timeout(timeoutMs)];
    if (options.signal) signals.push(options.signal);
    return { signal: AbortSignal.any(signals), timeoutMs };
  }

  async #health(check: () => Promise<boolean>): Promise<boolean> {
    if (this.#closing.signal.aborted) return false;
    try {
      return await check();
    } catch (error) {
      if (isChipqError(error) && (error.code === 'ENGINE_UNAVAILABLE' || error.code === 'DEADLINE_EXCEEDED'))
        return false;
      throw error;
    }
  }

  /**
   * Triton answers "failed to poll from model repository" both for a model that is not in the
   * repository and for a config it cannot use; the index tells them apart.
   */
  async #explainLoadFailure(name: string, error: unknown, call: TritonCallOptions): Promise<unknown> {
    if (
      !isChipqError(error) ||
      error.code !== 'MODEL_CONFIG_INVALID' ||
      !/failed to poll/.test(error.message)
    )
      return error;
    const index = await this.#client.repositoryIndex(call).catch(() => undefined);
    if (!index || index.some((entry) => entry.name === name)) return error;
    return new ChipqError('MODEL_NOT_FOUND', `no model ${name} in Triton's model repository`, {
      cause: error,
      details: { model: name },
    });
  }
}
