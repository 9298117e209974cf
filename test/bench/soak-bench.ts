/**
 * The soak (issue 10, item 7): the built service (`pnpm start`'s process, embedded engine and
 * PGlite, fresh data folder) under predicts at concurrency 50 for 10 minutes, autocannon in its
 * own process. Goals: 0 errors, and resident memory that stops growing — RSS at the end within
 * 10 % of RSS after the first minute (the working set is built by then), with the growth from
 * idle printed too. Opt-in (`pnpm bench -- --soak`), not part of the default run.
 * Runnable alone: `tsx test/bench/soak-bench.ts [--minutes 10]`.
 */
import { parseArgs } from 'node:util';
import { loadBenchPairs } from './bench-inputs.js';
import { type BenchSection, formatTable, printSection } from './bench-util.js';
import { httpLoad, predictBody, predictContentType } from './http-load.js';
import { startServiceProcess } from './service-process.js';

export interface SoakBenchOptions {
  /** Load duration, default 600 s. */
  durationS?: number;
  /** RSS sampled every, default 30 s. */
  sampleS?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runSoakBench(options: SoakBenchOptions = {}): Promise<BenchSection> {
  const durationS = options.durationS ?? 600;
  const sampleS = options.sampleS ?? 30;
  const service = await startServiceProcess();
  try {
    await sleep(5000);
    const idleMb = await service.rssMb();
    const { pairs, source } = await loadBenchPairs(8);
    const samples: Array<[number, number]> = [];
    const started = performance.now();
    const sampler = setInterval(async () => {
      samples.push([Math.round((performance.now() - started) / 1000), await service.rssMb()]);
    }, sampleS * 1000);
    const load = await httpLoad({
      url: service.url,
      path: '/api/v1/inference/predict',
      contentType: predictContentType,
      bodies: pairs.map(predictBody),
      concurrency: 50,
      durationS,
    }).finally(() => clearInterval(sampler));
    const endMb = await service.rssMb();
    const afterFirstMinute = samples.find(([at]) => at >= 60)?.[1] ?? samples[0]?.[1] ?? endMb;
    const peakMb = Math.max(endMb, ...samples.map(([, mb]) => mb));
    return {
      title: `soak: the built service, embedded engine and PGlite, ${durationS} s at c=50 on ${source}`,
      table: [
        `${load.requests} predicts, ${load.throughput.toFixed(1)} req/s, p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms, ${load.errors} errors`,
        formatTable(['seconds into the load', 'RSS MB'], [[0, idleMb], ...samples, [durationS, endMb]]),
      ].join('\n'),
      ratios: {
        soak_rss_end_over_first_minute: endMb / afterFirstMinute,
        soak_rss_end_over_idle: endMb / idleMb,
      },
      figures: {
        soak_errors: load.errors,
        soak_requests: load.requests,
        soak_rss_idle_mb: idleMb,
        soak_rss_first_minute_mb: afterFirstMinute,
        soak_rss_peak_mb: peakMb,
        soak_rss_end_mb: endMb,
      },
      notes: [
        'goals: 0 errors; RSS growth under 10 % (soak_rss_end_over_first_minute < 1.10); the growth from idle is the warm-up of arenas and caches',
      ],
      data: { idleMb, samples, endMb, load },
    };
  } finally {
    await service.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' } } });
  printSection(await runSoakBench({ durationS: Math.round(Number(values.minutes) * 60) }));
}
