/**
 * One model instance: an onnxruntime InferenceSession over a version's model.onnx, running one
 * batch at a time (the scheduler guarantees that). Applies the config's `reshape` on the way in
 * and out and times the three compute phases Triton reports.
 */
import { InferenceSession, type Tensor as OrtTensor } from 'onnxruntime-node';
import { ChipqError } from '../../errors.js';
import type { ModelConfig, TensorConfig } from '../../model-repository/model-config.js';
import type { Tensor } from '../engine.js';
import type { ComputeTimes } from './onnx-statistics.js';
import { fromOrtTensor, toOrtTensor } from './onnx-tensor.js';

/** Session settings from the engine options. */
export interface InstanceSettings {
  /** Threads inside one operator; undefined lets onnxruntime choose. */
  intraOpNumThreads?: number;
  /** Threads across operators; undefined lets onnxruntime choose. */
  interOpNumThreads?: number;
}

export class OnnxModelInstance {
  readonly #session: InferenceSession;
  readonly #config: ModelConfig;

  private constructor(session: InferenceSession, config: ModelConfig) {
    this.#session = session;
    this.#config = config;
  }

  /**
   * Opens `modelFile` and checks that the model has every input and output the config names.
   * @throws ChipqError MODEL_CONFIG_INVALID when the file cannot be loaded or does not match.
   */
  static async create(modelFile: string, config: ModelConfig, settings: InstanceSettings): Promise<OnnxModelInstance> {
    const options: InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', executionMode: 'sequential' };
    if (settings.intraOpNumThreads !== undefined) options.intraOpNumThreads = settings.intraOpNumThreads;
    if (settings.interOpNumThreads !== undefined) options.interOpNumThreads = settings.interOpNumThreads;
    let session: InferenceSession;
    try {
      session = await InferenceSession.create(modelFile, options);
    } catch (error) {
      throw new ChipqError('MODEL_CONFIG_INVALID', `cannot load ${modelFile}: ${(error as Error).message}`, { cause: error, details: { file: modelFile } });
    }
    const missing = [
      ...config.input.filter((t) => !session.inputNames.includes(t.name)).map((t) => `input ${t.name}`),
      ...config.output.filter((t) => !session.outputNames.includes(t.name)).map((t) => `output ${t.name}`),
    ];
    if (missing.length > 0) {
      await session.release();
      throw new ChipqError('MODEL_CONFIG_INVALID', `${modelFile} has no ${missing.join(', ')} named in config.pbtxt of ${config.name}`, {
        details: { file: modelFile, missing },
      });
    }
    return new OnnxModelInstance(session, config);
  }

  /** Runs one batch; `inputs` follow the config (batch dimension first when the model batches). */
  async run(inputs: readonly Tensor[]): Promise<{ outputs: Tensor[]; times: ComputeTimes }> {
    const batching = this.#config.maxBatchSize > 0;
    const t0 = performance.now();
    const feeds: Record<string, OrtTensor> = {};
    for (const tensor of inputs) {
      const reshape = this.#config.input.find((input) => input.name === tensor.name)?.reshape;
      feeds[tensor.name] = toOrtTensor(tensor, reshape ? withBatch(reshape, tensor.shape, batching) : tensor.shape);
    }
    const t1 = performance.now();
    let results: InferenceSession.OnnxValueMapType;
    try {
      results = await this.#session.run(feeds, this.#config.output.map((output) => output.name));
    } catch (error) {
      throw new ChipqError('INFERENCE_FAILED', `model ${this.#config.name} failed: ${(error as Error).message}`, { cause: error });
    }
    const t2 = performance.now();
    const outputs = this.#config.output.map((output) => {
      const tensor = fromOrtTensor(output.name, results[output.name] as OrtTensor);
      return output.reshape ? reportedShape(output, tensor, batching) : tensor;
    });
    const t3 = performance.now();
    const ns = (ms: number) => ms * 1e6;
    return { outputs, times: { inputNs: ns(t1 - t0), inferNs: ns(t2 - t1), outputNs: ns(t3 - t2) } };
  }

  async release(): Promise<void> {
    await this.#session.release();
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
