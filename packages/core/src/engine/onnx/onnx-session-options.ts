/**
 * The onnxruntime session options of one model instance, from the model's config.pbtxt, the
 * engine options and the machine, in that order of precedence (as Triton's onnxruntime backend
 * lets a model's `parameters` override its `--backend-config` defaults).
 *
 * The config keys are the onnxruntime backend's own, so one config.pbtxt tunes both engines:
 * `intra_op_thread_count`, `inter_op_thread_count` (0 = onnxruntime's choice), `execution_mode`
 * (0 sequential, 1 parallel), `enable_mem_arena` and `enable_mem_pattern` (0 or 1).
 *
 * Default threads: onnxruntime's own default gives EVERY session one thread per core, so two
 * instances on two cores run four busy threads that evict each other's caches and spin against
 * each other. We split the cores instead: intra_op = max(1, floor(cores / instances)).
 */
import { availableParallelism } from 'node:os';
import { ChipqError } from '../../errors.js';
import type { ModelConfig } from '../../model-repository/model-config.js';

/** Session settings from the engine options (undefined: decided per model, see above). */
export interface InstanceSettings {
  /** Threads inside one operator, per instance. */
  intraOpNumThreads?: number | undefined;
  /** Threads across operators, per instance. */
  interOpNumThreads?: number | undefined;
}

/** The subset of onnxruntime-node's SessionOptions we set (its types stay out of our API). */
export interface SessionOptions {
  graphOptimizationLevel: 'all';
  executionMode: 'sequential' | 'parallel';
  /** Absent: onnxruntime's default (one thread per physical core). */
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  enableCpuMemArena?: boolean;
  enableMemPattern?: boolean;
}

/** The config.pbtxt parameter keys read here, as Triton's onnxruntime backend names them. */
const onnxRuntimeParameters = {
  intraOpThreads: 'intra_op_thread_count',
  interOpThreads: 'inter_op_thread_count',
  executionMode: 'execution_mode',
  memArena: 'enable_mem_arena',
  memPattern: 'enable_mem_pattern',
} as const;

function invalidParameter(config: ModelConfig, key: string, expected: string, value: string): ChipqError {
  return new ChipqError(
    'MODEL_CONFIG_INVALID',
    `model ${config.name}: expected ${expected} for parameter ${key}, got ${JSON.stringify(value)}`,
    { details: { model: config.name, parameter: key, value } },
  );
}

/** An integer parameter in [min, max], or undefined when the config does not set it. */
function integerParameter(config: ModelConfig, key: string, min: number, max: number): number | undefined {
  const text = config.parameters[key];
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max)
    throw invalidParameter(config, key, `an integer between ${min} and ${max}`, text);
  return value;
}

/**
 * Session options for each of `instances` instances of `config`'s model on `cores` cores.
 * @throws ChipqError MODEL_CONFIG_INVALID naming the parameter when a value is not valid.
 */
export function resolveSessionOptions(
  config: ModelConfig,
  settings: InstanceSettings,
  instances: number,
  cores: number = availableParallelism(),
): SessionOptions {
  const keys = onnxRuntimeParameters;
  const options: SessionOptions = { graphOptimizationLevel: 'all', executionMode: 'sequential' };
  // 0 in the config means "onnxruntime decides", as in Triton: leave the option unset.
  const intra =
    integerParameter(config, keys.intraOpThreads, 0, 1024) ??
    settings.intraOpNumThreads ??
    Math.max(1, Math.floor(cores / Math.max(1, instances)));
  if (intra > 0) options.intraOpNumThreads = intra;
  const inter = integerParameter(config, keys.interOpThreads, 0, 1024) ?? settings.interOpNumThreads;
  if (inter !== undefined && inter > 0) options.interOpNumThreads = inter;
  if (integerParameter(config, keys.executionMode, 0, 1) === 1) options.executionMode = 'parallel';
  const arena = integerParameter(config, keys.memArena, 0, 1);
  if (arena !== undefined) options.enableCpuMemArena = arena === 1;
  const pattern = integerParameter(config, keys.memPattern, 0, 1);
  if (pattern !== undefined) options.enableMemPattern = pattern === 1;
  return options;
}
