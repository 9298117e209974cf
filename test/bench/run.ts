/**
 * `pnpm bench`: every benchmark, one after another in one run, so each ratio compares numbers
 * measured side by side on the same machine state. Sections whose prerequisites are missing
 * (no Triton installed) say so and are skipped; nothing is timed in the tests. Every section
 * prints the load average it ran under, and the whole report also goes to a JSON file
 * (default test/.tmp/bench/bench-<time>.json) so runs can be compared.
 *
 * Usage: pnpm bench [-- --only engine,preprocess,triton,service,tracing,shadow,startup] [--quick] [--json <file>]
 *        pnpm bench -- --soak   (adds the 10-minute soak at 50 clients; opt-in, never in the default run)
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './bench-inputs.js';
import type { BenchSection } from './bench-util.js';
import { loadAverage, printSection } from './bench-util.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
  allowPositionals: true,
});
const only = values.only?.split(',').map((s) => s.trim());
const quick = values.quick ?? false;
const startedAt = new Date();
const jsonFile =
  values.json ??
  join(repoRoot, 'test/.tmp/bench', `bench-${startedAt.toISOString().replaceAll(':', '-')}.json`);

type Bench = {
  name: string;
  run: () => Promise<BenchSection | { skipped: string }>;
  /** Runs only when asked for (`--soak`). */
  optIn?: boolean;
};

const benches: Bench[] = [
  {
    name: 'preprocess',
    run: async () =>
      (await import('./preprocess-bench.js')).runPreprocessBench(quick ? { durationMs: 1500 } : {}),
  },
  {
    name: 'engine',
    run: async () => (await import('./engine-bench.js')).runEngineBench(quick ? { durationMs: 2000 } : {}),
  },
  {
    name: 'triton',
    run: async () => (await import('./triton-bench.js')).runTritonBench(quick ? { durationMs: 2000 } : {}),
  },
  {
    name: 'service',
    run: async () => (await import('./service-bench.js')).runServiceBench(quick ? { durationMs: 2000 } : {}),
  },
  {
    name: 'tracing',
    run: async () =>
      (await import('./tracing-bench.js')).runTracingBench(quick ? { durationMs: 3000, rounds: 1 } : {}),
  },
  {
    name: 'shadow',
    run: async () =>
      (await import('./shadow-bench.js')).runShadowBench(quick ? { requests: 16, rounds: 1 } : {}),
  },
  {
    name: 'startup',
    run: async () => (await import('./startup-bench.js')).runStartupBench(quick ? { loadMs: 5000 } : {}),
  },
  {
    name: 'soak',
    optIn: true,
    run: async () => (await import('./soak-bench.js')).runSoakBench(quick ? { durationS: 60 } : {}),
  },
];

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const report: Record<string, unknown> = {
  startedAt: startedAt.toISOString(),
  commit: commit(),
  node: process.version,
  cpu: `${os.cpus()[0]?.model ?? 'unknown'} x${os.availableParallelism()}`,
  quick,
  sections: {} as Record<string, unknown>,
};
const sections = report.sections as Record<string, unknown>;
let failed = false;
for (const bench of benches) {
  if (only && !only.includes(bench.name)) continue;
  if (bench.optIn && !values.soak) continue;
  const start = loadAverage();
  try {
    const section = await bench.run();
    if ('skipped' in section) {
      console.log(`\n== ${bench.name}: skipped: ${section.skipped}`);
      sections[bench.name] = section;
    } else {
      section.loadAverage ??= { start, end: loadAverage() };
      printSection(section);
      sections[bench.name] = section;
    }
  } catch (error) {
    failed = true;
    console.error(`\n== ${bench.name}: failed: ${(error as Error).stack ?? String(error)}`);
    sections[bench.name] = { failed: String(error) };
  }
  // Written after every section, so a run cut short still leaves what it measured.
  await mkdir(dirname(jsonFile), { recursive: true });
  await writeFile(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
}
console.log(`\nresults: ${jsonFile}`);
process.exitCode = failed ? 1 : 0;
