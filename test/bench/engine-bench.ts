/**
 * Raw embedded-engine throughput and latency: every request alone (no dynamic batching) against
 * the model's own dynamic batching, each at concurrency 1, 8 and 32, on the same preprocessed
 * tensors. Shows what Triton-style batching buys on this CPU. Runnable alone: `tsx test/bench/engine-bench.ts`.
 */
import { createOnnxEngine, type Engine, type Tensor } from '@chipq/core';
import { benchModel, benchTensors } from './bench-inputs.js';
import { type BenchSection, formatTable, type LoadResult, printSection, runLoad } from './bench-util.js';

export interface EngineBenchOptions {
  concurrencies?: number[];
  /** Per cell. Default 6000 ms. */
  durationMs?: number;
}

async function measure(
  engine: Engine,
  model: string,
  version: string,
  inputs: Tensor[],
  concurrency: number,
  durationMs: number,
) {
  const before = (await engine.statistics(model, version))[0];
  const load = await runLoad(() => engine.infer({ model, version, inputs }), { concurrency, durationMs });
  const after = (await engine.statistics(model, version))[0];
  const executions = (after?.executionCount ?? 0) - (before?.executionCount ?? 0);
  const inferences = (after?.inferenceCount ?? 0) - (before?.inferenceCount ?? 0);
  return { load, meanBatch: executions === 0 ? 0 : inferences / executions };
}

export async function runEngineBench(options: EngineBenchOptions = {}): Promise<BenchSection> {
  const concurrencies = options.concurrencies ?? [1, 8, 32];
  const durationMs = options.durationMs ?? 6000;
  const { repository, model } = benchModel();
  const engine = await createOnnxEngine({ repository, startupModels: [model] });
  try {
    const config = await engine.modelConfig(model);
    const { inputs, source } = await benchTensors(config);
    // The version requests without one get (the newest), named so the report says what ran.
    const { version } = await engine.infer({ model, inputs });
    const rows: Array<Array<string | number>> = [];
    const results: Record<string, LoadResult> = {};
    for (const [mode, override] of [
      ['unbatched', { ...config, dynamicBatching: undefined }],
      ['dynamic', config],
    ] as const) {
      await engine.loadModel(model, { config: override });
      for (const concurrency of concurrencies) {
        const { load, meanBatch } = await measure(engine, model, version, inputs, concurrency, durationMs);
        results[`${mode}@${concurrency}`] = load;
        rows.push([mode, concurrency, load.requests, load.throughput, load.p50Ms, load.p99Ms, meanBatch]);
      }
    }
    const ratios: Record<string, number> = {};
    for (const c of concurrencies) {
      const batched = results[`dynamic@${c}`];
      const alone = results[`unbatched@${c}`];
      if (batched && alone)
        ratios[`engine_throughput_batched_over_unbatched@c${c}`] = batched.throughput / alone.throughput;
    }
    return {
      title: `embedded engine: ${model} version ${version} (${config.instanceGroup.map((g) => `${g.count}x ${g.kind}`).join(', ')}; max_batch_size ${config.maxBatchSize}; preferred ${config.dynamicBatching?.preferredBatchSize.join('/') || '-'}; delay ${config.dynamicBatching?.maxQueueDelayMicroseconds ?? 0} us) on ${source}`,
      table: formatTable(['mode', 'conc', 'requests', 'img/s', 'p50 ms', 'p99 ms', 'mean batch'], rows),
      ratios,
    };
  } finally {
    await engine.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printSection(await runEngineBench());
