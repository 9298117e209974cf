/**
 * The embedded engine: the engine contract on onnxruntime-node, in process, with Triton's model
 * management semantics (explicit load/unload, reload without losing availability, a failed reload
 * keeps the loaded model) and its dynamic batcher, so a model moves to Triton unchanged.
 */

import { abortError, throwIfAborted, untilAborted } from '../../abort.js';
import { ChipqError, isChipqError } from '../../errors.js';
import type {
  InferRequest,
  ModelIndexEntry,
  ModelMetadata,
  ModelStatistics,
} from '../../kserve/kserve-types.js';
import type { ModelConfig } from '../../model-repository/model-config.js';
import { hasModelFolder } from '../../model-repository/model-repository-reader.js';
import type { CallOptions, Engine, InferResult, LoadModelOptions } from '../engine.js';
import { KeyedSerializer } from '../keyed-serializer.js';
import { validateRequest } from '../request-validation.js';
import {
  type OnnxEngineOptions,
  type ResolvedOnnxEngineOptions,
  resolveOnnxEngineOptions,
} from './onnx-engine-options.js';
import { OnnxModel } from './onnx-model.js';
import { buildRepositoryIndex, type ModelSlot } from './onnx-repository-index.js';
import { isOnnxDataType } from './onnx-tensor.js';

/**
 * Creates the embedded engine over a model repository and loads `startupModels`.
 * @param options `repository` is required; everything else has a documented default.
 * @throws ChipqError INVALID_INPUT for invalid options; the load error of a named startup model.
 */
export async function createOnnxEngine(options: OnnxEngineOptions): Promise<Engine> {
  const resolved = resolveOnnxEngineOptions(options);
  const engine = new OnnxEngine(resolved);
  try {
    await engine.loadStartupModels();
  } catch (error) {
    await engine.close();
    throw error;
  }
  return engine;
}

class OnnxEngine implements Engine {
  readonly kind = 'onnx';
  readonly #options: ResolvedOnnxEngineOptions;
  readonly #slots = new Map<string, ModelSlot>();
  /** Loads and unloads of one model run one after another. */
  readonly #modelQueue = new KeyedSerializer();
  /** Models replaced by a reload, finishing their queued requests before release. */
  readonly #retiring = new Set<Promise<void>>();
  #closed = false;

  constructor(options: ResolvedOnnxEngineOptions) {
    this.#options = options;
  }

  async loadStartupModels(): Promise<void> {
    const { startupModels, repository } = this.#options;
    if (startupModels !== '*') {
      for (const name of startupModels) await this.loadModel(name);
      return;
    }
    // '*': every model is tried; failures stay visible in the index (Triton's --load-model=*).
    const names = new Set((await buildRepositoryIndex(repository, this.#slots)).map((entry) => entry.name));
    for (const name of names) await this.loadModel(name).catch(() => undefined);
  }

  async isLive(options?: CallOptions): Promise<boolean> {
    throwIfAborted(options?.signal);
    return !this.#closed;
  }

  async isReady(options?: CallOptions): Promise<boolean> {
    throwIfAborted(options?.signal);
    return !this.#closed;
  }

  async repositoryIndex(options?: CallOptions): Promise<ModelIndexEntry[]> {
    this.#ensureOpen();
    throwIfAborted(options?.signal);
    return buildRepositoryIndex(this.#options.repository, this.#slots);
  }

  async loadModel(name: string, options: LoadModelOptions = {}): Promise<void> {
    this.#ensureOpen();
    const signal = this.#callSignal(options);
    return this.#modelQueue.run(name, async () => {
      throwIfAborted(signal);
      const slot = this.#slot(name);
      const previous = slot.model;
      if (!previous) Object.assign(slot, { state: 'LOADING', reason: '' });
      let model: OnnxModel | undefined;
      try {
        model = await OnnxModel.load(this.#options.repository, name, {
          config: options.config,
          settings: this.#settings(),
          signal,
          onDead: (reason) => this.#died(name, model, reason),
        });
      } catch (error) {
        const wrapped = signal.aborted ? abortError(signal) : configError(error);
        // A failed reload leaves the loaded model serving, as in Triton. A name that is not in the
        // repository keeps no slot: names come from clients, and each would stay in memory.
        if (!previous && wrapped.code === 'MODEL_NOT_FOUND') this.#slots.delete(name);
        else if (!previous) Object.assign(slot, { state: 'UNAVAILABLE', reason: wrapped.message });
        throw wrapped;
      }
      if (this.#closed) {
        await model.release();
        throw closedError();
      }
      Object.assign(slot, { model, state: 'READY', reason: '' });
      if (previous) this.#retire(previous);
    });
  }

  async unloadModel(name: string, options: CallOptions = {}): Promise<void> {
    this.#ensureOpen();
    const signal = this.#callSignal(options);
    const unload = this.#modelQueue.run(name, async () => {
      const slot = this.#slots.get(name);
      const model = slot?.model;
      if (!slot || !model) return;
      Object.assign(slot, { model: undefined, state: 'UNAVAILABLE', reason: 'unloaded' });
      model.stop(
        new ChipqError('MODEL_NOT_READY', `model ${name} was unloaded`, { details: { model: name } }),
      );
      await model.release();
    });
    // The unload goes on when the caller stops waiting: requests in flight still finish.
    return untilAborted(unload, signal);
  }

  async isModelReady(name: string, version?: string, options?: CallOptions): Promise<boolean> {
    throwIfAborted(options?.signal);
    const model = this.#slots.get(name)?.model;
    if (this.#closed || !model) return false;
    return version === undefined || version === '' || model.versions.has(Number(version));
  }

  async modelMetadata(name: string, version?: string, options?: CallOptions): Promise<ModelMetadata> {
    throwIfAborted(options?.signal);
    const model = await this.#loaded(name);
    if (version !== undefined && version !== '') model.version(version);
    return model.metadata();
  }

  async modelConfig(name: string, version?: string, options?: CallOptions): Promise<ModelConfig> {
    throwIfAborted(options?.signal);
    const model = await this.#loaded(name);
    return model.version(version).config;
  }

  async infer(request: InferRequest, options: CallOptions = {}): Promise<InferResult> {
    const started = performance.now();
    throwIfAborted(options?.signal);
    const model = await this.#loaded(request.model);
    const version = model.version(request.version);
    let validated: ReturnType<typeof validateRequest>;
    try {
      validated = validateRequest(version.config, request, {
        supportsDataType: isOnnxDataType,
        engine: 'the embedded engine',
      });
    } catch (error) {
      version.statistics.recordFailure(0);
      throw error;
    }
    const deadline = performance.now() + (options.timeoutMs ?? this.#options.defaultTimeoutMs);
    const result = await version.infer(validated, {
      signal: options.signal,
      deadline,
      ...(request.timeoutMicroseconds === undefined ? {} : { timeoutMs: request.timeoutMicroseconds / 1000 }),
    });
    const answer: InferResult = {
      model: request.model,
      version: String(version.version),
      outputs: result.outputs,
      timing: {
        queueMs: result.queueMs,
        computeMs: result.computeMs,
        engineMs: performance.now() - started,
        batchSize: result.batchSize,
      },
    };
    if (request.id !== undefined) answer.id = request.id;
    return answer;
  }

  queueDepths(): Map<string, number> {
    const depths = new Map<string, number>();
    for (const [name, slot] of this.#slots) {
      if (slot.model === undefined) continue;
      let queued = 0;
      for (const version of slot.model.versions.values()) queued += version.queued;
      depths.set(name, queued);
    }
    return depths;
  }

  async statistics(name?: string, version?: string, options?: CallOptions): Promise<ModelStatistics[]> {
    this.#ensureOpen();
    throwIfAborted(options?.signal);
    if (name === undefined || name === '') {
      const models = [...this.#slots.values()].flatMap((slot) => (slot.model ? [slot.model] : []));
      return models.flatMap((model) => [...model.versions.values()].map((v) => v.statistics.snapshot()));
    }
    const model = await this.#loaded(name);
    const versions =
      version === undefined || version === '' ? [...model.versions.values()] : [model.version(version)];
    return versions.map((v) => v.statistics.snapshot());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const models = [...this.#slots.values()].flatMap((slot) => (slot.model ? [slot.model] : []));
    for (const slot of this.#slots.values())
      Object.assign(slot, { model: undefined, state: 'UNAVAILABLE', reason: 'engine closed' });
    for (const model of models) model.stop(closedError());
    await Promise.all([...models.map((model) => model.release()), ...this.#retiring]);
  }

  #ensureOpen(): void {
    if (this.#closed) throw closedError();
  }

  #slot(name: string): ModelSlot {
    let slot = this.#slots.get(name);
    if (!slot) {
      slot = { model: undefined, state: 'UNAVAILABLE', reason: '' };
      this.#slots.set(name, slot);
    }
    return slot;
  }

  /** The loaded model, or MODEL_NOT_READY (in the repository, not loaded) / MODEL_NOT_FOUND. */
  async #loaded(name: string): Promise<OnnxModel> {
    this.#ensureOpen();
    const slot = this.#slots.get(name);
    if (slot?.model) return slot.model;
    if (await hasModelFolder(this.#options.repository, name)) {
      const why = slot?.reason ? `: ${slot.reason}` : '';
      throw new ChipqError('MODEL_NOT_READY', `model ${name} is not loaded${why}`, {
        details: { model: name },
      });
    }
    throw new ChipqError('MODEL_NOT_FOUND', `model ${name} is not in the repository`, {
      details: { model: name },
    });
  }

  #settings() {
    return {
      intraOpNumThreads: this.#options.intraOpNumThreads,
      interOpNumThreads: this.#options.interOpNumThreads,
    };
  }

  /** The caller's signal joined with the call's deadline. */
  #callSignal(options: CallOptions): AbortSignal {
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.#options.defaultTimeoutMs);
    return options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  }

  /**
   * A model whose instance died for good leaves service: UNAVAILABLE with the reason (in the
   * index and in MODEL_NOT_READY answers), queued requests failed, its sessions released.
   * A later loadModel brings it back.
   */
  #died(name: string, model: OnnxModel | undefined, reason: string): void {
    const slot = this.#slots.get(name);
    if (!model || !slot || slot.model !== model) return;
    Object.assign(slot, { model: undefined, state: 'UNAVAILABLE', reason });
    model.stop(
      new ChipqError('MODEL_NOT_READY', `model ${name} is unavailable: ${reason}`, {
        details: { model: name },
      }),
    );
    this.#retire(model);
  }

  /** A replaced model finishes its queued and running requests, then frees its sessions. */
  #retire(model: OnnxModel): void {
    const done: Promise<void> = model.release().finally(() => this.#retiring.delete(done));
    this.#retiring.add(done);
  }
}

function closedError(): ChipqError {
  return new ChipqError('ENGINE_UNAVAILABLE', 'the engine is closed');
}

/** A model's load failure as MODEL_CONFIG_INVALID (a ChipqError passes unchanged). */
function configError(error: unknown): ChipqError {
  if (isChipqError(error)) return error;
  return new ChipqError('MODEL_CONFIG_INVALID', (error as Error)?.message ?? String(error), { cause: error });
}
