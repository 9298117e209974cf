/**
 * Preprocessing throughput: our `preprocessPair` (limits, EXIF orientation, letterbox, tensor
 * packing for image and reference) against sharp's bare decode + greyscale + resize of the same
 * two images. The ratio is our overhead over the library. Runnable alone: `tsx test/bench/preprocess-bench.ts`.
 */
import { createOnnxEngine } from '@chipq/core';
import { preprocessPair, resolvePreprocessOptions } from '@chipq/core/preprocess';
import sharp from 'sharp';
import { benchModel, loadBenchPairs } from './bench-inputs.js';
import { type BenchSection, formatTable, runLoad, runWhenMain } from './bench-util.js';

export async function runPreprocessBench(
  options: { durationMs?: number; concurrencies?: number[] } = {},
): Promise<BenchSection> {
  const durationMs = options.durationMs ?? 4000;
  const concurrencies = options.concurrencies ?? [1, 4];
  const { repository, model } = benchModel();
  const engine = await createOnnxEngine({ repository, startupModels: [model] });
  const config = await engine.modelConfig(model);
  await engine.close();
  const { pairs, source } = await loadBenchPairs(16);
  const resolved = resolvePreprocessOptions();
  const input = config.input[0];
  if (!input) throw new Error(`model ${model} declares no input`);
  const [height, width] = input.format === 'NHWC' ? input.dims.slice(0, 2) : input.dims.slice(1, 3);
  const pick = (i: number) => pairs[i % pairs.length] as (typeof pairs)[number];
  const bare = (bytes: Buffer) => sharp(bytes).greyscale().resize(width, height).raw().toBuffer();
  const rows: Array<Array<string | number>> = [];
  const ratios: Record<string, number> = {};
  for (const concurrency of concurrencies) {
    const ours = await runLoad(
      (i) =>
        preprocessPair({ image: pick(i).image, reference: pick(i).reference, config, options: resolved }),
      { concurrency, durationMs },
    );
    const sharpOnly = await runLoad((i) => Promise.all([bare(pick(i).image), bare(pick(i).reference)]), {
      concurrency,
      durationMs,
    });
    rows.push(['chipq preprocessPair', concurrency, ours.throughput, ours.p50Ms, ours.p99Ms]);
    rows.push(['sharp decode+resize', concurrency, sharpOnly.throughput, sharpOnly.p50Ms, sharpOnly.p99Ms]);
    ratios[`preprocess_time_ours_over_sharp@c${concurrency}`] = sharpOnly.throughput / ours.throughput;
  }
  return {
    title: `preprocessing: pairs to ${width}x${height} ${config.input[0]?.dataType} tensors (${model}) on ${source}`,
    table: formatTable(['pipeline', 'conc', 'pairs/s', 'p50 ms', 'p99 ms'], rows),
    ratios,
    notes: ['a ratio of 1.10 means our preprocessing takes 10 % longer than sharp alone'],
  };
}

await runWhenMain(import.meta.url, () => runPreprocessBench());
