/**
 * The engine conformance suite: one set of behaviours every engine implementation must show,
 * run against the fixture repository `test/fixtures/models` (CONVENTIONS.md §3). The embedded
 * engine runs it in `packages/core/test/onnx-engine.conformance.test.ts`; the Triton engine runs
 * it against a Triton serving the same models. Only the engine contract is used, so "same model,
 * same answer" is proven for both. A skipped case must say why.
 *
 * Test-support code: it imports vitest and is not part of the package's exports.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ErrorCode, isChipqError } from '../errors.js';
import type { Engine, InferRequest, ModelStatistics, Tensor } from './engine.js';

/** The fixture model repository written by test/fixtures/make-models.py. */
export const fixtureRepository = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/models');

export const conformanceCases = [
  'live and ready',
  'repository index',
  'load failure',
  'load and unload',
  'reload with a config override',
  'reload keeps in-flight requests',
  'model not found',
  'version selection',
  'metadata',
  'model config',
  'infer add_sub',
  'infer uint8_pair',
  'batch of several images in one request',
  'model without batching',
  'requested outputs and request id',
  'invalid inputs',
  'concurrent requests form batches',
  'different shapes in flight',
  'cancel a queued request',
  'deadline of a queued request',
  'statistics',
  'unload with requests in flight',
  'close',
] as const;
export type ConformanceCase = (typeof conformanceCases)[number];

export interface EngineConformanceOptions {
  /** Shown in the suite's title, e.g. `onnx` or `triton`. */
  name: string;
  /** Creates the engine over `repository` with no model loaded; `cleanup` runs after `close`. */
  createEngine: (context: { repository: string }) => Promise<{ engine: Engine; cleanup?: () => Promise<void> }>;
  /** The repository handed to `createEngine`. Default: `fixtureRepository`. */
  repository?: string;
  /** Cases to skip, each with the reason. */
  skip?: Partial<Record<ConformanceCase, string>>;
}

const LOAD = { timeoutMs: 120_000 };

const fp32 = (name: string, shape: number[], values: number[]): Tensor => ({ name, datatype: 'FP32', shape, data: Float32Array.from(values) });
const u8 = (name: string, shape: number[], values: number[]): Tensor => ({ name, datatype: 'UINT8', shape, data: Uint8Array.from(values) });
const values = (tensor: Tensor | undefined) => Array.from((tensor?.data ?? []) as Float32Array);
const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);

/** An image pair of `images` x 1 x h x w whose per-image mean |image - reference| is `seed + i` exactly when h*w is a power of two. */
function pair(images: number, h: number, w: number, seed: number): InferRequest {
  const n = h * w;
  const image: number[] = [];
  const reference: number[] = [];
  for (let i = 0; i < images; i++) {
    // Alternating +d/-d around 100 keeps |a-b| = d everywhere, so the mean is d.
    for (let p = 0; p < n; p++) {
      image.push(100 + (p % 2 === 0 ? 1 : -1) * (seed + i));
      reference.push(100);
    }
  }
  return { model: 'uint8_pair', inputs: [u8('image', [images, 1, h, w], image), u8('reference', [images, 1, h, w], reference)] };
}

async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'resolved' | 'not a ChipqError'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isChipqError(error) ? error.code : 'not a ChipqError';
  }
}

async function stats(engine: Engine, model: string, version = '1'): Promise<ModelStatistics> {
  const [entry] = await engine.statistics(model, version);
  if (!entry) throw new Error(`no statistics for ${model} ${version}`);
  return entry;
}

/** Gives queued calls time to reach the engine (a network hop for a server); never an assertion. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Registers the suite with vitest. */
export function runEngineConformance(options: EngineConformanceOptions): void {
  const repository = options.repository ?? fixtureRepository;
  describe(`engine conformance: ${options.name}`, () => {
    let engine: Engine;
    let cleanup: (() => Promise<void>) | undefined;
    const test = (name: ConformanceCase, body: () => Promise<void>) => {
      const reason = options.skip?.[name];
      if (reason) it.skip(`${name} (skipped: ${reason})`, body);
      else it(name, body);
    };

    beforeAll(async () => {
      ({ engine, cleanup } = await options.createEngine({ repository }));
    });
    afterAll(async () => {
      await engine?.close();
      await cleanup?.();
    });

    test('live and ready', async () => {
      expect(await engine.isLive()).toBe(true);
      expect(await engine.isReady()).toBe(true);
      expect(typeof engine.kind).toBe('string');
    });

    test('repository index', async () => {
      await engine.loadModel('uint8_pair', LOAD);
      const index = await engine.repositoryIndex();
      const names = [...new Set(index.map((entry) => entry.name))];
      expect(names).toEqual(expect.arrayContaining(['add_sub', 'broken', 'no_batch', 'slow', 'uint8_pair']));
      const pairEntries = index.filter((entry) => entry.name === 'uint8_pair' && entry.state === 'READY').map((entry) => entry.version);
      expect(pairEntries.sort()).toEqual(['1', '2']);
      expect(index.filter((entry) => entry.name === 'broken').every((entry) => entry.state !== 'READY')).toBe(true);
    });

    test('load failure', async () => {
      expect(await codeOf(engine.loadModel('broken', LOAD))).not.toMatch(/resolved|not a ChipqError/);
      const broken = (await engine.repositoryIndex()).filter((entry) => entry.name === 'broken');
      expect(broken.length).toBeGreaterThan(0);
      expect(broken.every((entry) => entry.state === 'UNAVAILABLE' && entry.reason !== '')).toBe(true);
      expect(await engine.isModelReady('broken')).toBe(false);
    });

    test('load and unload', async () => {
      await engine.loadModel('add_sub', LOAD);
      expect(await engine.isModelReady('add_sub')).toBe(true);
      await engine.unloadModel('add_sub', LOAD);
      expect(await engine.isModelReady('add_sub')).toBe(false);
      const request = { model: 'add_sub', inputs: [fp32('INPUT0', [1, 4], [1, 2, 3, 4]), fp32('INPUT1', [1, 4], [1, 1, 1, 1])] };
      expect(await codeOf(engine.infer(request))).toBe('MODEL_NOT_READY');
      const entry = (await engine.repositoryIndex()).find((e) => e.name === 'add_sub');
      expect(entry?.state).not.toBe('READY');
      await engine.loadModel('add_sub', LOAD);
      expect(values((await engine.infer(request)).outputs[0])).toEqual([2, 3, 4, 5]);
    });

    test('reload with a config override', async () => {
      await engine.loadModel('uint8_pair', LOAD);
      const config = await engine.modelConfig('uint8_pair');
      await engine.loadModel('uint8_pair', { ...LOAD, config: { ...config, versionPolicy: { kind: 'specific', versions: [1] } } });
      expect((await engine.modelMetadata('uint8_pair')).versions).toEqual(['1']);
      expect(await engine.isModelReady('uint8_pair', '2')).toBe(false);
      expect((await engine.infer(pair(1, 4, 4, 3))).version).toBe('1');
      await engine.loadModel('uint8_pair', LOAD);
      expect((await engine.modelMetadata('uint8_pair')).versions.sort()).toEqual(['1', '2']);
    });

    test('reload keeps in-flight requests', async () => {
      await engine.loadModel('slow', LOAD);
      const request = { model: 'slow', inputs: [fp32('x', [1, 1], [2])] };
      const running = [engine.infer(request), engine.infer(request)];
      await settle();
      await engine.loadModel('slow', LOAD);
      const answers = await Promise.all(running);
      expect(answers.map((a) => values(a.outputs[0]).length)).toEqual([1, 1]);
      expect(await engine.isModelReady('slow')).toBe(true);
    });

    test('model not found', async () => {
      const request = { model: 'no_such_model', inputs: [fp32('x', [1, 1], [1])] };
      expect(await codeOf(engine.infer(request))).toBe('MODEL_NOT_FOUND');
      expect(await codeOf(engine.modelMetadata('no_such_model'))).toBe('MODEL_NOT_FOUND');
      expect(await codeOf(engine.loadModel('no_such_model', LOAD))).toBe('MODEL_NOT_FOUND');
      expect(await engine.isModelReady('no_such_model')).toBe(false);
    });

    test('version selection', async () => {
      await engine.loadModel('uint8_pair', LOAD);
      const newest = await engine.infer(pair(1, 4, 4, 3));
      expect([newest.version, values(newest.outputs[0])]).toEqual(['2', [6]]);
      const first = await engine.infer({ ...pair(1, 4, 4, 3), version: '1' });
      expect([first.version, values(first.outputs[0])]).toEqual(['1', [3]]);
      expect(await codeOf(engine.infer({ ...pair(1, 4, 4, 3), version: '7' }))).toBe('MODEL_NOT_FOUND');
      expect([await engine.isModelReady('uint8_pair', '1'), await engine.isModelReady('uint8_pair', '7')]).toEqual([true, false]);
    });

    test('metadata', async () => {
      await engine.loadModel('uint8_pair', LOAD);
      await engine.loadModel('no_batch', LOAD);
      const pairMeta = await engine.modelMetadata('uint8_pair');
      expect(pairMeta.name).toBe('uint8_pair');
      expect(pairMeta.inputs).toEqual([
        { name: 'image', datatype: 'UINT8', shape: [-1, 1, -1, -1] },
        { name: 'reference', datatype: 'UINT8', shape: [-1, 1, -1, -1] },
      ]);
      expect(pairMeta.outputs).toEqual([{ name: 'score', datatype: 'FP32', shape: [-1, 1] }]);
      const plain = await engine.modelMetadata('no_batch');
      expect([plain.inputs, plain.outputs]).toEqual([[{ name: 'x', datatype: 'FP32', shape: [2, 3] }], [{ name: 'y', datatype: 'FP32', shape: [2, 3] }]]);
    });

    test('model config', async () => {
      await engine.loadModel('uint8_pair', LOAD);
      const config = await engine.modelConfig('uint8_pair');
      expect(config.name).toBe('uint8_pair');
      expect(config.maxBatchSize).toBe(8);
      expect(config.dynamicBatching?.preferredBatchSize).toEqual([4, 8]);
      expect(config.dynamicBatching?.maxQueueDelayMicroseconds).toBe(50_000);
      expect(config.versionPolicy).toEqual({ kind: 'all' });
      expect(config.input.map((input) => [input.name, input.dataType, input.dims])).toEqual([
        ['image', 'UINT8', [1, -1, -1]],
        ['reference', 'UINT8', [1, -1, -1]],
      ]);
    });

    test('infer add_sub', async () => {
      await engine.loadModel('add_sub', LOAD);
      const result = await engine.infer({ model: 'add_sub', inputs: [fp32('INPUT0', [1, 4], [1, 2, 3, 4]), fp32('INPUT1', [1, 4], [10, 20, 30, 40])] });
      expect(result.model).toBe('add_sub');
      expect(result.version).toBe('1');
      expect(result.outputs.map((t) => [t.name, t.datatype, t.shape, values(t)])).toEqual([
        ['OUTPUT0', 'FP32', [1, 4], [11, 22, 33, 44]],
        ['OUTPUT1', 'FP32', [1, 4], [-9, -18, -27, -36]],
      ]);
      expect(result.timing.queueMs).toBeGreaterThanOrEqual(0);
      expect(result.timing.computeMs).toBeGreaterThanOrEqual(0);
    });

    test('infer uint8_pair', async () => {
      await engine.loadModel('uint8_pair', LOAD);
      const result = await engine.infer({ ...pair(1, 4, 4, 5), version: '1' });
      expect(result.outputs.map((t) => [t.name, t.datatype, t.shape, values(t)])).toEqual([['score', 'FP32', [1, 1], [5]]]);
      const odd = await engine.infer({ ...pair(1, 3, 5, 2), version: '1' });
      // 15 pixels: alternating signs still give |a-b| = 2 everywhere.
      expect(values(odd.outputs[0])[0]).toBeCloseTo(2, 5);
    });

    test('batch of several images in one request', async () => {
      await engine.loadModel('uint8_pair', LOAD);
      await engine.loadModel('add_sub', LOAD);
      const result = await engine.infer(pair(3, 4, 4, 1));
      expect([result.outputs[0]?.shape, values(result.outputs[0])]).toEqual([[3, 1], [2, 4, 6]]);
      const added = await engine.infer({ model: 'add_sub', inputs: [fp32('INPUT0', [2, 4], [1, 2, 3, 4, 5, 6, 7, 8]), fp32('INPUT1', [2, 4], [1, 1, 1, 1, 2, 2, 2, 2])] });
      expect(values(added.outputs[0])).toEqual([2, 3, 4, 5, 7, 8, 9, 10]);
    });

    test('model without batching', async () => {
      await engine.loadModel('no_batch', LOAD);
      const result = await engine.infer({ model: 'no_batch', inputs: [fp32('x', [2, 3], [0, 1, 2, 3, 4, 5])] });
      expect([result.outputs[0]?.shape, values(result.outputs[0])]).toEqual([[2, 3], [1, 3, 5, 7, 9, 11]]);
      expect(await codeOf(engine.infer({ model: 'no_batch', inputs: [fp32('x', [1, 2, 3], [0, 1, 2, 3, 4, 5])] }))).toBe('INVALID_INPUT');
    });

    test('requested outputs and request id', async () => {
      await engine.loadModel('add_sub', LOAD);
      const result = await engine.infer({
        model: 'add_sub',
        id: 'req-42',
        outputs: ['OUTPUT1'],
        inputs: [fp32('INPUT0', [1, 4], [5, 5, 5, 5]), fp32('INPUT1', [1, 4], [1, 2, 3, 4])],
      });
      expect(result.id).toBe('req-42');
      expect(result.outputs.map((t) => [t.name, values(t)])).toEqual([['OUTPUT1', [4, 3, 2, 1]]]);
    });

    test('invalid inputs', async () => {
      await engine.loadModel('add_sub', LOAD);
      const good = fp32('INPUT1', [1, 4], [1, 2, 3, 4]);
      const attempts: Array<[string, InferRequest]> = [
        ['wrong datatype', { model: 'add_sub', inputs: [{ name: 'INPUT0', datatype: 'FP64', shape: [1, 4], data: new Float64Array(4) }, good] }],
        ['wrong shape', { model: 'add_sub', inputs: [fp32('INPUT0', [1, 5], [1, 2, 3, 4, 5]), good] }],
        ['missing input', { model: 'add_sub', inputs: [good] }],
        ['extra input', { model: 'add_sub', inputs: [fp32('INPUT0', [1, 4], [1, 2, 3, 4]), good, fp32('INPUT9', [1, 4], [1, 2, 3, 4])] }],
        ['batch above max_batch_size', { model: 'add_sub', inputs: [fp32('INPUT0', [9, 4], new Array(36).fill(1)), fp32('INPUT1', [9, 4], new Array(36).fill(1))] }],
        ['unknown output', { model: 'add_sub', outputs: ['OUTPUT9'], inputs: [fp32('INPUT0', [1, 4], [1, 2, 3, 4]), good] }],
      ];
      const codes = await Promise.all(attempts.map(async ([what, request]) => [what, await codeOf(engine.infer(request))]));
      expect(codes).toEqual(attempts.map(([what]) => [what, 'INVALID_INPUT']));
    });

    test('concurrent requests form batches', async () => {
      await engine.loadModel('uint8_pair', LOAD);
      const before = await stats(engine, 'uint8_pair', '2');
      const results = await Promise.all(Array.from({ length: 16 }, (_, i) => engine.infer(pair(1, 4, 4, i + 1))));
      expect(results.map((r) => values(r.outputs[0])[0])).toEqual(Array.from({ length: 16 }, (_, i) => 2 * (i + 1)));
      const after = await stats(engine, 'uint8_pair', '2');
      expect(after.inferenceCount - before.inferenceCount).toBe(16);
      expect(after.executionCount - before.executionCount).toBeLessThan(16);
      const grew = after.batchStats.filter((b) => b.batchSize > 1 && b.computeInfer.count > (before.batchStats.find((x) => x.batchSize === b.batchSize)?.computeInfer.count ?? 0));
      expect(grew.length).toBeGreaterThan(0);
    });

    test('different shapes in flight', async () => {
      await engine.loadModel('uint8_pair', LOAD);
      const requests = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? pair(1, 4, 4, i + 1) : pair(1, 2, 8, i + 1)));
      const results = await Promise.all(requests.map((request) => engine.infer(request)));
      expect(results.map((r) => values(r.outputs[0])[0])).toEqual(Array.from({ length: 8 }, (_, i) => 2 * (i + 1)));
    });

    test('cancel a queued request', async () => {
      await engine.loadModel('slow', LOAD);
      const before = await stats(engine, 'slow');
      const request = { model: 'slow', inputs: [fp32('x', [1, 1], [2])] };
      const controller = new AbortController();
      const running = engine.infer(request);
      const queued = codeOf(engine.infer(request, { signal: controller.signal }));
      await settle();
      controller.abort();
      expect(await queued).toBe('CANCELLED');
      expect(values((await running).outputs[0])).toHaveLength(1);
      expect(await codeOf(engine.infer(request, { signal: AbortSignal.abort() }))).toBe('CANCELLED');
      const after = await stats(engine, 'slow');
      expect(after.inferenceCount - before.inferenceCount).toBe(1);
    });

    test('deadline of a queued request', async () => {
      await engine.loadModel('slow', LOAD);
      const request = { model: 'slow', inputs: [fp32('x', [1, 1], [2])] };
      const running = engine.infer(request);
      expect(await codeOf(engine.infer(request, { timeoutMs: 10 }))).toBe('DEADLINE_EXCEEDED');
      await running;
      expect(values((await engine.infer(request)).outputs[0])).toHaveLength(1);
    });

    test('statistics', async () => {
      await engine.loadModel('add_sub', LOAD);
      const before = await stats(engine, 'add_sub');
      const one = { model: 'add_sub', inputs: [fp32('INPUT0', [1, 4], [1, 2, 3, 4]), fp32('INPUT1', [1, 4], [1, 2, 3, 4])] };
      for (let i = 0; i < 3; i++) await engine.infer(one);
      await engine.infer({ model: 'add_sub', inputs: [fp32('INPUT0', [2, 4], new Array(8).fill(1)), fp32('INPUT1', [2, 4], new Array(8).fill(1))] });
      const after = await stats(engine, 'add_sub');
      const grew = (pick: (s: ModelStatistics) => number) => pick(after) - pick(before);
      const sizeCount = (s: ModelStatistics, size: number) => s.batchStats.find((b) => b.batchSize === size)?.computeInfer.count ?? 0;
      expect({
        inferences: grew((s) => s.inferenceCount),
        executions: grew((s) => s.executionCount),
        success: grew((s) => s.inferenceStats.success.count),
        queue: grew((s) => s.inferenceStats.queue.count),
        computeInfer: grew((s) => s.inferenceStats.computeInfer.count),
        batchesOf1: grew((s) => sizeCount(s, 1)),
        batchesOf2: grew((s) => sizeCount(s, 2)),
      }).toEqual({ inferences: 5, executions: 4, success: 4, queue: 4, computeInfer: 4, batchesOf1: 3, batchesOf2: 1 });
      expect(after.name).toBe('add_sub');
      expect(after.version).toBe('1');
      expect(after.lastInference).toBeGreaterThan(0);
      expect(sum([after.inferenceStats.success.ns, after.inferenceStats.computeInfer.ns])).toBeGreaterThan(0);
      expect((await engine.statistics()).some((s) => s.name === 'add_sub' && s.version === '1')).toBe(true);
    });

    test('unload with requests in flight', async () => {
      await engine.loadModel('slow', LOAD);
      const request = { model: 'slow', inputs: [fp32('x', [1, 1], [2])] };
      const running = engine.infer(request);
      // The second request is queued: it may still run or fail as not ready, never hang or fail otherwise.
      const queued = codeOf(engine.infer(request));
      await settle();
      await engine.unloadModel('slow', LOAD);
      expect(values((await running).outputs[0])).toHaveLength(1);
      expect(['resolved', 'MODEL_NOT_READY', 'ENGINE_UNAVAILABLE']).toContain(await queued);
      expect(await codeOf(engine.infer(request))).toBe('MODEL_NOT_READY');
    });

    test('close', async () => {
      await engine.loadModel('slow', LOAD);
      const request = { model: 'slow', inputs: [fp32('x', [1, 1], [2])] };
      const running = codeOf(engine.infer(request));
      const queued = codeOf(engine.infer(request));
      await settle();
      await engine.close();
      expect(['resolved', 'ENGINE_UNAVAILABLE']).toContain(await running);
      expect(await queued).toBe('ENGINE_UNAVAILABLE');
      expect(await codeOf(engine.infer(request))).toBe('ENGINE_UNAVAILABLE');
    });
  });
}
