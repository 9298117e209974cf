/**
 * The physical limit the engine is measured against: ONE bare onnxruntime-node session on a
 * model file, run batch 1 back to back (its `run` is synchronous on the calling thread, so
 * concurrency adds nothing), with a given number of intra-op threads.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ModelConfig, Tensor } from '@chipq/core';
import { repoRoot } from './bench-inputs.js';

/** The subset of onnxruntime-node used here (core's dependency, loaded from there). */
interface BareOrt {
  InferenceSession: {
    create(
      file: string,
      options: object,
    ): Promise<{ run(feeds: object): Promise<object>; release(): Promise<void> }>;
  };
  Tensor: new (type: string, data: ArrayBufferView, dims: readonly number[]) => object;
}

const onnxTypes: Record<string, string> = {
  UINT8: 'uint8',
  FP32: 'float32',
  FP16: 'float16',
  INT32: 'int32',
};

/** The threads the engine's instances of `config` use together by default: the same budget for the raw session. */
export function engineThreads(config: ModelConfig): number {
  const instances = config.instanceGroup.reduce((sum, group) => sum + group.count, 0) || 1;
  return Math.max(1, Math.floor(availableParallelism() / instances)) * instances;
}

export interface RawSession {
  threads: number;
  run(): Promise<unknown>;
  release(): Promise<void>;
}

/** One bare session over `file` with `threads` intra-op threads, fed `inputs` (batch 1). */
export async function rawSession(file: string, threads: number, inputs: Tensor[]): Promise<RawSession> {
  const ort = createRequire(join(repoRoot, 'packages/core/package.json'))('onnxruntime-node') as BareOrt;
  const session = await ort.InferenceSession.create(file, {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: threads,
  });
  const feeds = Object.fromEntries(
    inputs.map((t) => [t.name, new ort.Tensor(onnxTypes[t.datatype] ?? 'uint8', t.data, t.shape)]),
  );
  return { threads, run: () => session.run(feeds), release: () => session.release() };
}
