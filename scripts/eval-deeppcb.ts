/**
 * Evaluates a detector on a folder of DeepPCB-layout pairs through chipq's served pipeline (the
 * embedded ONNX Runtime engine with the service's preprocessing, batching and postprocessing),
 * not through PyTorch. Prints AP per class, mAP at IoU > 0.33 (the benchmark's rule) and at
 * IoU >= 0.5, precision/recall/F1 at the deployed confidence threshold and images/s, and ends
 * with exactly one summary line:
 *   mAP@0.33=0.9xx mAP@0.5=0.9xx F1=0.9xx precision=0.9xx recall=0.9xx images=N ips=NN.N
 *
 * Usage: pnpm eval:deeppcb -- <dir> [--model pcb_defect_detector] [--version N] [--models ./models]
 *          [--threshold 0.75] [--concurrency 8] [--single-stream 24]
 *          [--split models/training/split-groups.json] [--groups 44000,50600,77000]
 *
 * `--split` keeps the pairs listed in a split file's `val` (models/training/split.json: random
 * pairs of the training boards; split-groups.json: whole board groups training never saw);
 * `--groups` keeps the pairs whose id starts with one of the board groups (first five digits).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createInspector, type Inspector } from '@chipq/core';
import {
  type DeepPcbPair,
  deepPcbClassNames,
  evaluateDetections,
  type GroundTruth,
  readDeepPcbDataset,
  type ScoredDetection,
} from '@chipq/core/evaluation';

const usage =
  'usage: pnpm eval:deeppcb -- <dir> [--model pcb_defect_detector] [--version N] [--models ./models] [--threshold 0.75] [--concurrency 8] [--single-stream 24] [--split <split.json>] [--groups 44000,50600,77000]';

/** Detections are collected down to this confidence so AP sees the whole ranking. */
const RANKING_FLOOR = 0.01;

function fail(message: string): never {
  console.error(`eval:deeppcb: ${message}\n${usage}`);
  process.exit(2);
}

function number(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(value >= min && value <= max))
    fail(`expected a number between ${min} and ${max} for --${name}, got ${text}`);
  return value;
}

function options() {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--')),
    allowPositionals: true,
    options: {
      model: { type: 'string', default: 'pcb_defect_detector' },
      version: { type: 'string' },
      models: { type: 'string', default: './models' },
      threshold: { type: 'string' },
      concurrency: { type: 'string' },
      'single-stream': { type: 'string' },
      split: { type: 'string' },
      groups: { type: 'string' },
    },
  });
  const [dir, ...rest] = positionals;
  if (dir === undefined || rest.length > 0) fail('expected exactly one folder');
  return {
    dir,
    model: values.model,
    version: values.version,
    models: values.models,
    // The platform threshold; the model's scores are shifted so its F1-optimal point sits here.
    threshold: number('threshold', values.threshold, 0.75, 0, 1),
    concurrency: Math.floor(number('concurrency', values.concurrency, 8, 1, 256)),
    singleStream: Math.floor(number('single-stream', values['single-stream'], 24, 0, 1e6)),
    split: values.split,
    groups: values.groups?.split(',').map((g) => g.trim()),
  };
}

type Options = ReturnType<typeof options>;

interface PairResult {
  detections: ScoredDetection[];
  version: string;
  inferMs: number;
  /** null on Triton, which reports no per-request queue time. */
  queueMs: number | null;
  totalMs: number;
}

async function inspectPair(inspector: Inspector, pair: DeepPcbPair, o: Options): Promise<PairResult> {
  const r = await inspector.inspect({
    image: pair.testPath,
    reference: pair.templatePath,
    model: o.model,
    version: o.version,
    confidenceThreshold: RANKING_FLOOR,
    id: pair.id,
  });
  for (const d of r.detections) {
    const expected = deepPcbClassNames[d.classId];
    if (expected !== d.className)
      throw new Error(`model class ${d.classId} is "${d.className}", DeepPCB's is "${expected}"`);
  }
  const detections = r.detections.map((d) => ({
    imageId: pair.id,
    classId: d.classId,
    confidence: d.confidence,
    box: d.box,
  }));
  const t = r.timings;
  return { detections, version: r.model.version, inferMs: t.inferMs, queueMs: t.queueMs, totalMs: t.totalMs };
}

/** Mean queue time, or "unknown" when the engine does not report it (Triton). */
function meanQueue(results: readonly PairResult[]): string {
  const known = results.flatMap((r) => (r.queueMs === null ? [] : [r.queueMs]));
  return known.length === results.length ? `${mean(known).toFixed(1)} ms` : 'unknown';
}

/** Runs every pair with `concurrency` in flight; returns the results in pair order and the wall time. */
async function runAll(inspector: Inspector, pairs: readonly DeepPcbPair[], o: Options, concurrency: number) {
  const results: PairResult[] = new Array(pairs.length);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < pairs.length; i = next++) {
      const pair = pairs[i];
      if (pair) results[i] = await inspectPair(inspector, pair, o);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, pairs.length) }, worker));
  return { results, seconds: (performance.now() - started) / 1000 };
}

/** The pairs `--split` and `--groups` keep (all when neither is given); an empty result fails. */
async function selectPairs(pairs: DeepPcbPair[], o: Options): Promise<DeepPcbPair[]> {
  let kept = pairs;
  if (o.split !== undefined) {
    const text = await readFile(o.split, 'utf8').catch((e: Error) =>
      fail(`cannot read --split: ${e.message}`),
    );
    const ids = (JSON.parse(text) as { val?: unknown }).val;
    if (!Array.isArray(ids)) fail(`expected a "val" list of pair ids in ${o.split}`);
    const wanted = new Set(ids.map(String));
    kept = kept.filter((p) => wanted.has(p.id));
  }
  const groups = o.groups;
  if (groups !== undefined) {
    if (groups.some((g) => !/^\d{5}$/.test(g)))
      fail(`expected five-digit board groups for --groups, got ${groups}`);
    kept = kept.filter((p) => groups.some((g) => p.id.startsWith(g)));
  }
  if (kept.length === 0) fail(`no pairs of ${o.dir} are selected by --split/--groups`);
  return kept;
}

const f3 = (x: number | null) => (x === null ? '  n/a' : x.toFixed(3));
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  const o = options();
  const pairs = await selectPairs(await readDeepPcbDataset(o.dir), o);
  const inspector = await createInspector({ models: o.models, loadModels: [o.model], defaultModel: o.model });
  try {
    const first = pairs[0];
    if (first) await inspectPair(inspector, first, o); // warm-up: first-run allocations are not throughput
    const { results, seconds } = await runAll(inspector, pairs, o, o.concurrency);
    const singles = pairs.slice(0, Math.min(o.singleStream, pairs.length));
    const single = singles.length > 0 ? await runAll(inspector, singles, o, 1) : undefined;

    const groundTruths: GroundTruth[] = pairs.flatMap((p) =>
      p.annotations.map((a) => ({ imageId: p.id, ...a })),
    );
    const detections = results.flatMap((r) => r.detections);
    const classIds = deepPcbClassNames.map((_, i) => i);
    const at33 = evaluateDetections(groundTruths, detections, {
      iouThreshold: 0.33,
      strict: true,
      confidenceThreshold: o.threshold,
      classIds,
    });
    const at50 = evaluateDetections(groundTruths, detections, {
      iouThreshold: 0.5,
      confidenceThreshold: o.threshold,
      classIds,
    });
    const ips = pairs.length / seconds;
    const versions = [...new Set(results.map((r) => r.version))].join(',');

    console.log(
      `DeepPCB evaluation of ${o.model} version ${versions} on ${pairs.length} pairs from ${o.dir} (embedded engine)`,
    );
    console.log('class        GT   AP@0.33  AP@0.5');
    at33.classes.forEach((c, i) => {
      const name = (deepPcbClassNames[c.classId] ?? String(c.classId)).padEnd(10);
      console.log(
        `${name} ${String(c.groundTruths).padStart(4)}   ${f3(c.averagePrecision)}   ${f3(at50.classes[i]?.averagePrecision ?? null)}`,
      );
    });
    const a = at33.atThreshold;
    console.log(
      `at confidence >= ${o.threshold} (IoU > 0.33): TP=${a.truePositives} FP=${a.falsePositives} FN=${a.falseNegatives}`,
    );
    console.log(
      `throughput: ${ips.toFixed(1)} images/s with ${o.concurrency} in flight ` +
        `(mean infer ${mean(results.map((r) => r.inferMs)).toFixed(1)} ms, queue ${meanQueue(results)} per image)`,
    );
    if (single) {
      console.log(
        `single stream: ${(singles.length / single.seconds).toFixed(1)} images/s on ${singles.length} pairs ` +
          `(median total ${median(single.results.map((r) => r.totalMs)).toFixed(1)} ms, infer ${median(single.results.map((r) => r.inferMs)).toFixed(1)} ms)`,
      );
    }
    console.log(
      `mAP@0.33=${at33.meanAveragePrecision.toFixed(3)} mAP@0.5=${at50.meanAveragePrecision.toFixed(3)} ` +
        `F1=${a.f1.toFixed(3)} precision=${a.precision.toFixed(3)} recall=${a.recall.toFixed(3)} images=${pairs.length} ips=${ips.toFixed(1)}`,
    );
  } finally {
    await inspector.close();
  }
}

main().catch((error: unknown) => {
  const e = error as { code?: string; message?: string };
  console.error(`eval:deeppcb failed${e.code ? ` (${e.code})` : ''}: ${e.message ?? String(error)}`);
  process.exit(1);
});
