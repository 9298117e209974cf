/**
 * What every benchmark here shares: a closed-loop load generator with a fixed concurrency and a
 * bounded duration, latency percentiles, interleaved rounds with medians, and a plain-text table.
 * Ratios are always of numbers measured side by side in the same run.
 */
import { loadavg } from 'node:os';

export interface LoadResult {
  concurrency: number;
  requests: number;
  errors: number;
  seconds: number;
  /** Completed requests per second. */
  throughput: number;
  p50Ms: number;
  p99Ms: number;
}

/** The q-quantile (0-1) of sorted values, by linear interpolation. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
}

export interface LoadOptions {
  concurrency: number;
  /** Stop starting new requests after this many ms. */
  durationMs: number;
  /** And after this many requests. Default: no limit. */
  maxRequests?: number;
  /** Requests run first and not measured. Default: the concurrency. */
  warmup?: number;
}

/** Runs `task` from `concurrency` loops until the duration or request budget is spent. */
export async function runLoad(
  task: (i: number) => Promise<unknown>,
  options: LoadOptions,
): Promise<LoadResult> {
  const warmup = options.warmup ?? options.concurrency;
  await Promise.all(Array.from({ length: warmup }, (_, i) => task(i)));
  const latencies: number[] = [];
  let errors = 0;
  let started = 0;
  const begin = performance.now();
  const end = begin + options.durationMs;
  const limit = options.maxRequests ?? Number.POSITIVE_INFINITY;
  const loop = async (): Promise<void> => {
    while (performance.now() < end && started < limit) {
      const i = started++;
      const t0 = performance.now();
      try {
        await task(i);
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  const seconds = (performance.now() - begin) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    concurrency: options.concurrency,
    requests: latencies.length,
    errors,
    seconds,
    throughput: latencies.length / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
  };
}

/** Formats rows as an aligned text table. */
export function formatTable(
  headers: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): string {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)));
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...cells.map((row) => String(row[i] ?? '').length)),
  );
  const line = (row: ReadonlyArray<string>) =>
    row.map((cell, i) => String(cell).padStart(widths[i] ?? 0)).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100
    ? value.toFixed(0)
    : Math.abs(value) >= 10
      ? value.toFixed(1)
      : value.toFixed(2);
}

/** One section of the bench report: a title, a table and the ratios it stands for. */
export interface BenchSection {
  title: string;
  table: string;
  /** name -> ratio, printed as `ratio <name>=<value>`. */
  ratios: Record<string, number>;
  /** name -> absolute figure with its unit in the name (`..._mb`, `..._s`), printed as `figure <name>=<value>`. */
  figures?: Record<string, number>;
  notes?: string[];
  /** The 1, 5 and 15 minute load averages when the section started and ended. */
  loadAverage?: { start: number[]; end: number[] };
  /** Raw measurements for the JSON report. */
  data?: unknown;
}

/** The 1, 5 and 15 minute load averages, rounded: every figure is printed with them (shared CPUs). */
export function loadAverage(): number[] {
  return loadavg().map((value) => Math.round(value * 100) / 100);
}

export function printSection(section: BenchSection): void {
  console.log(`\n== ${section.title}\n${section.table}`);
  for (const [name, value] of Object.entries(section.ratios))
    console.log(`ratio ${name}=${value.toFixed(2)}`);
  for (const [name, value] of Object.entries(section.figures ?? {}))
    console.log(`figure ${name}=${formatNumber(value)}`);
  for (const note of section.notes ?? []) console.log(`note: ${note}`);
  if (section.loadAverage)
    console.log(
      `load average: ${section.loadAverage.start.join(' ')} at start, ${section.loadAverage.end.join(' ')} at end`,
    );
}

/** Prints a bench file's section when the file itself is run (`tsx test/bench/<name>.ts [--quick]`). */
export async function runWhenMain(
  moduleUrl: string,
  run: (quick: boolean) => Promise<BenchSection>,
): Promise<void> {
  if (moduleUrl !== `file://${process.argv[1]}`) return;
  printSection(await run(process.argv.includes('--quick')));
}

export function median(values: readonly number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/**
 * Runs each contender once per round, in an order that alternates between rounds, `rounds`
 * times: on a shared machine a load spike then hurts every contender about equally, instead of
 * all the runs of one. Returns each contender's runs and the run with its median throughput.
 */
export async function interleave<K extends string>(
  contenders: Record<K, () => Promise<LoadResult>>,
  rounds: number,
): Promise<Record<K, { runs: LoadResult[]; median: LoadResult }>> {
  const names = Object.keys(contenders) as K[];
  const runs = Object.fromEntries(names.map((name) => [name, [] as LoadResult[]])) as Record<K, LoadResult[]>;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) runs[name].push(await contenders[name]());
  }
  return Object.fromEntries(
    names.map((name) => {
      const sorted = [...runs[name]].sort((a, b) => a.throughput - b.throughput);
      return [name, { runs: runs[name], median: sorted[Math.floor((sorted.length - 1) / 2)] as LoadResult }];
    }),
  ) as Record<K, { runs: LoadResult[]; median: LoadResult }>;
}

/** The median of the per-round ratios `pick(a[r]) / pick(b[r])` of two interleaved contenders. */
export function medianRatio(
  a: readonly LoadResult[],
  b: readonly LoadResult[],
  pick: (result: LoadResult) => number = (result) => result.throughput,
): number {
  return median(a.map((run, r) => pick(run) / pick(b[r] as LoadResult)));
}
