/**
 * Start-up and memory of the quick start, as a user meets them: the built service (`pnpm start`'s
 * process, embedded engine and PGlite) on a FRESH data folder. Prints the time from spawn to a
 * healthy /monitoring/health (median of several fresh starts), the resident memory idle, right
 * after `loadMs` of predicts at concurrency 50 (autocannon in its own process), and after
 * `idleMs` of rest. Goals (issue 13): <= 2 s to healthy, <= 400 MB idle, back within 10 % of
 * idle after the load. Runnable alone: `tsx test/bench/startup-bench.ts [--quick]`.
 */
import { loadBenchPairs } from './bench-inputs.js';
import { type BenchSection, formatTable, median, runWhenMain } from './bench-util.js';
import { httpLoad, predictBody, predictContentType } from './http-load.js';
import { startServiceProcess } from './service-process.js';

export interface StartupBenchOptions {
  /** Fresh starts measured, default 3. */
  starts?: number;
  /** Load at concurrency 50, default 30000 ms. */
  loadMs?: number;
  /** Rest after the load, default 30000 ms. */
  idleMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runStartupBench(options: StartupBenchOptions = {}): Promise<BenchSection> {
  const starts = options.starts ?? 3;
  const loadMs = options.loadMs ?? 30_000;
  const idleMs = options.idleMs ?? 30_000;
  const startupMs: number[] = [];
  for (let i = 0; i < starts - 1; i++) {
    const service = await startServiceProcess();
    startupMs.push(service.startupMs);
    await service.stop();
  }
  const service = await startServiceProcess();
  startupMs.push(service.startupMs);
  try {
    // Settled: start-up garbage collected, lazy work done.
    await sleep(5000);
    const idleMb = await service.rssMb();
    const idleThreads = await service.threads();
    const { pairs, source } = await loadBenchPairs(8);
    const load = await httpLoad({
      url: service.url,
      path: '/api/v1/inference/predict',
      contentType: predictContentType,
      bodies: pairs.map(predictBody),
      concurrency: 50,
      durationS: Math.max(1, Math.round(loadMs / 1000)),
    });
    const loadedMb = await service.rssMb();
    const loadedThreads = await service.threads();
    await sleep(idleMs);
    const restedMb = await service.rssMb();
    const rows = [
      ['idle, 5 s after healthy', idleMb, idleThreads],
      [
        `right after ${loadMs / 1000} s at c=50 (${load.throughput.toFixed(1)} req/s, ${load.errors} errors)`,
        loadedMb,
        loadedThreads,
      ],
      [`after ${idleMs / 1000} s of rest`, restedMb, await service.threads()],
    ];
    return {
      title: `start-up and memory: the built service (pnpm start), embedded engine and PGlite, fresh data folder; load on ${source}`,
      table: [
        `fresh starts to healthy: ${startupMs.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}`,
        formatTable(['when', 'RSS MB', 'threads'], rows),
      ].join('\n'),
      ratios: {
        startup_s_over_goal_2s: median(startupMs) / 1000 / 2,
        rss_idle_over_goal_400mb: idleMb / 400,
        rss_after_rest_over_idle: restedMb / idleMb,
      },
      figures: {
        startup_to_healthy_s: median(startupMs) / 1000,
        rss_idle_mb: idleMb,
        rss_after_load_mb: loadedMb,
        rss_after_rest_mb: restedMb,
        load_errors: load.errors,
      },
      notes: [
        'goals: start-up <= 2 s, idle <= 400 MB, after rest within 10 % of idle (ratios <= 1, <= 1, <= 1.10)',
      ],
      data: { startupMs, idleMb, loadedMb, restedMb, load },
    };
  } finally {
    await service.stop();
  }
}

await runWhenMain(import.meta.url, (quick) =>
  runStartupBench(quick ? { starts: 1, loadMs: 5000, idleMs: 5000 } : {}),
);
