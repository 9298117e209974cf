/**
 * Options of the embedded engine, and their resolution into a fully defined config with exact
 * messages for invalid values (CONVENTIONS.md §6).
 */
import { resolve } from 'node:path';
import { ChipqError } from '../../errors.js';

export interface OnnxEngineOptions {
  /** Folder of the model repository in Triton's layout (`<model>/config.pbtxt`, `<model>/<n>/model.onnx`). Required. */
  repository: string;
  /**
   * How models get loaded. `'explicit'` (the default, as Triton's `--model-control-mode=explicit`):
   * only `startupModels` at creation and then whatever `loadModel` asks for.
   */
  modelControl?: 'explicit';
  /**
   * Models to load while the engine is created. Named models must load or creation fails;
   * with `'*'` every model of the repository is tried and one that fails stays UNAVAILABLE in
   * the repository index with the reason. Default: none.
   */
  startupModels?: readonly string[] | '*';
  /** Deadline of a call that gives no `timeoutMs`, in milliseconds. Default: 30000. */
  defaultTimeoutMs?: number;
  /**
   * Threads onnxruntime uses inside one operator, per instance. A model's config.pbtxt parameter
   * `intra_op_thread_count` overrides it. Default: the cores shared among the model's instances,
   * max(1, floor(cores / instances)).
   */
  intraOpNumThreads?: number;
  /**
   * Threads onnxruntime uses across operators, per instance (parallel execution mode only). A
   * model's `inter_op_thread_count` overrides it. Default: onnxruntime's choice.
   */
  interOpNumThreads?: number;
}

export interface ResolvedOnnxEngineOptions {
  repository: string;
  modelControl: 'explicit';
  startupModels: readonly string[] | '*';
  defaultTimeoutMs: number;
  intraOpNumThreads: number | undefined;
  interOpNumThreads: number | undefined;
}

function invalidOption(message: string): ChipqError {
  return new ChipqError('INVALID_INPUT', message);
}

function integerIn(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidOption(`expected an integer between ${min} and ${max} for ${name}, got ${String(value)}`);
  }
  return value;
}

/** @throws ChipqError INVALID_INPUT naming the option, the expected values and what was given. */
export function resolveOnnxEngineOptions(options: OnnxEngineOptions): ResolvedOnnxEngineOptions {
  if (typeof options?.repository !== 'string' || options.repository === '') {
    throw invalidOption(`expected a folder path for repository, got ${JSON.stringify(options?.repository)}`);
  }
  const modelControl = options.modelControl ?? 'explicit';
  if (modelControl !== 'explicit') {
    throw invalidOption(`expected 'explicit' for modelControl, got ${JSON.stringify(modelControl)}`);
  }
  const startupModels = options.startupModels ?? [];
  if (
    startupModels !== '*' &&
    !(Array.isArray(startupModels) && startupModels.every((name) => typeof name === 'string' && name !== ''))
  ) {
    throw invalidOption(
      `expected '*' or an array of model names for startupModels, got ${JSON.stringify(startupModels)}`,
    );
  }
  return {
    repository: resolve(options.repository),
    modelControl,
    startupModels,
    defaultTimeoutMs: integerIn('defaultTimeoutMs', options.defaultTimeoutMs ?? 30_000, 1, 2 ** 31 - 1),
    intraOpNumThreads:
      options.intraOpNumThreads === undefined
        ? undefined
        : integerIn('intraOpNumThreads', options.intraOpNumThreads, 1, 1024),
    interOpNumThreads:
      options.interOpNumThreads === undefined
        ? undefined
        : integerIn('interOpNumThreads', options.interOpNumThreads, 1, 1024),
  };
}
