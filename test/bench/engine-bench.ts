/**
 * Raw embedded-engine throughput and latency, in two parts on the same preprocessed tensors:
 *
 * 1. The engine as configured (instances, dynamic batching, default threads) against the
 *    physical limit: ONE bare onnxruntime-node session on the same model file, with as many
 *    intra-op threads as the engine's instances have together, running batch-1 requests back to
 *    back. Interleaved rounds, medians of the per-round ratios, at concurrency 1 and 32.
 * 2. Every request alone (no dynamic batching) against the model's own dynamic batching, at
 *    concurrency 1, 8 and 32: what Triton-style batching buys on this CPU.
 *
 * Runnable alone: `tsx test/bench/engine-bench.ts`.
 */
import { join } from 'node:path';
import { createOnnxEngine, type Engine, type Tensor } from '@chipq/core';
import { benchModel, benchTensors } from './bench-inputs.js';
import {
  type BenchSection,
  formatTable,
  interleave,
  type LoadResult,
  medianRatio,
  runLoad,
  runWhenMain,
} from './bench-util.js';
import { engineThreads, rawSession } from './raw-onnxruntime.js';

export interface EngineBenchOptions {
  concurrencies?: number[];
  /** Per cell. Default 6000 ms. */
  durationMs?: number;
  /** Interleaved rounds of engine against raw onnxruntime. Default 3. */
  rounds?: number;
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
    const threads = engineThreads(config);
    const raw = await rawSession(join(repository, model, version, 'model.onnx'), threads, inputs);
    const ratios: Record<string, number> = {};
    const rawRows: Array<Array<string | number>> = [];
    const rounds = options.rounds ?? 3;
    const roundMs = Math.max(1000, Math.round(durationMs / 2));
    const rawData: Record<string, unknown> = {};
    try {
      for (const concurrency of [1, 32]) {
        const result = await interleave(
          {
            raw: () => runLoad(raw.run, { concurrency: 1, durationMs: roundMs }),
            engine: () =>
              runLoad(() => engine.infer({ model, version, inputs }), { concurrency, durationMs: roundMs }),
          },
          rounds,
        );
        rawData[`c${concurrency}`] = result;
        ratios[`engine_throughput_over_raw_onnxruntime@c${concurrency}`] = medianRatio(
          result.engine.runs,
          result.raw.runs,
        );
        for (const [who, { median }] of [
          [`raw onnxruntime, 1 session, ${threads} threads, batch 1`, result.raw],
          [`chipq engine as configured, c=${concurrency}`, result.engine],
        ] as const)
          rawRows.push([who, median.throughput, median.p50Ms, median.p99Ms]);
      }
    } finally {
      await raw.release();
    }
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
    for (const c of concurrencies) {
      const batched = results[`dynamic@${c}`];
      const alone = results[`unbatched@${c}`];
      if (batched && alone)
        ratios[`engine_throughput_batched_over_unbatched@c${c}`] = batched.throughput / alone.throughput;
    }
    return {
      title: `embedded engine: ${model} version ${version} (${config.instanceGroup.map((g) => `${g.count}x ${g.kind}`).join(', ')}; max_batch_size ${config.maxBatchSize}; preferred ${config.dynamicBatching?.preferredBatchSize.join('/') || '-'}; delay ${config.dynamicBatching?.maxQueueDelayMicroseconds ?? 0} us) on ${source}`,
      table: [
        formatTable(
          ['against the physical limit (medians of interleaved rounds)', 'img/s', 'p50 ms', 'p99 ms'],
          rawRows,
        ),
        formatTable(['mode', 'conc', 'requests', 'img/s', 'p50 ms', 'p99 ms', 'mean batch'], rows),
      ].join('\n\n'),
      ratios,
      notes: [
        `engine over raw onnxruntime: median of ${rounds} interleaved rounds of ${roundMs} ms; the raw session runs batch 1 back to back (its calls are synchronous, so concurrency adds nothing)`,
      ],
      data: { raw: rawData, modes: results },
    };
  } finally {
    await engine.close();
  }
}

await runWhenMain(import.meta.url, () => runEngineBench());
