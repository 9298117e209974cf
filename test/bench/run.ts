/**
 * `pnpm bench`: every benchmark, one after another in one run, so each ratio compares numbers
 * measured side by side on the same machine state. Sections whose prerequisites are missing
 * (no Triton installed) say so and are skipped; nothing is timed in the tests.
 *
 * Usage: pnpm bench [-- --only engine,preprocess,triton,service] [--quick]
 */
import { parseArgs } from 'node:util';
import type { BenchSection } from './bench-util.js';
import { printSection } from './bench-util.js';

const { values } = parseArgs({
  options: { only: { type: 'string' }, quick: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const only = values.only?.split(',').map((s) => s.trim());
const quick = values.quick ?? false;

type Bench = { name: string; run: () => Promise<BenchSection | { skipped: string }> };

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
];

let failed = false;
for (const bench of benches) {
  if (only && !only.includes(bench.name)) continue;
  try {
    const section = await bench.run();
    if ('skipped' in section) console.log(`\n== ${bench.name}: skipped: ${section.skipped}`);
    else printSection(section);
  } catch (error) {
    failed = true;
    console.error(`\n== ${bench.name}: failed: ${(error as Error).stack ?? String(error)}`);
  }
}
process.exitCode = failed ? 1 : 0;
