/**
 * Conformance cases about scheduling: concurrent requests forming batches, requests of different
 * shapes, cancellation and deadlines of queued requests, statistics, unload with work in flight,
 * and close.
 */
import { expect } from 'vitest';
import type { ModelStatistics } from '../../../src/kserve/kserve-types.js';
import {
  type ConformanceContext,
  codeOf,
  fp32,
  LOAD,
  pair,
  slowRequest,
  stats,
  values,
} from './conformance-context.js';

export function registerSchedulingCases({ test }: ConformanceContext): void {
  test('concurrent requests form batches', async (engine) => {
    await engine.loadModel('uint8_pair', LOAD);
    const before = await stats(engine, 'uint8_pair', '2');
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => engine.infer(pair(1, 4, 4, i + 1))),
    );
    expect(results.map((r) => values(r.outputs[0])[0])).toEqual(
      Array.from({ length: 16 }, (_, i) => 2 * (i + 1)),
    );
    const after = await stats(engine, 'uint8_pair', '2');
    expect(after.inferenceCount - before.inferenceCount).toBe(16);
    expect(after.executionCount - before.executionCount).toBeLessThan(16);
    const grew = after.batchStats.filter(
      (b) =>
        b.batchSize > 1 &&
        b.computeInfer.count >
          (before.batchStats.find((x) => x.batchSize === b.batchSize)?.computeInfer.count ?? 0),
    );
    expect(grew.length).toBeGreaterThan(0);
  });

  test('different shapes in flight', async (engine) => {
    await engine.loadModel('uint8_pair', LOAD);
    const requests = Array.from({ length: 8 }, (_, i) =>
      i % 2 === 0 ? pair(1, 4, 4, i + 1) : pair(1, 2, 8, i + 1),
    );
    const results = await Promise.all(requests.map((request) => engine.infer(request)));
    expect(results.map((r) => values(r.outputs[0])[0])).toEqual(
      Array.from({ length: 8 }, (_, i) => 2 * (i + 1)),
    );
  });

  test('cancel a queued request', async (engine, { untilQueued }) => {
    await engine.loadModel('slow', LOAD);
    const before = await stats(engine, 'slow');
    const request = slowRequest();
    const controller = new AbortController();
    const running = engine.infer(request);
    const queued = codeOf(engine.infer(request, { signal: controller.signal }));
    // Abort while the second request waits behind the first, not before it has arrived.
    await untilQueued('slow');
    controller.abort();
    expect(await queued).toBe('CANCELLED');
    expect(values((await running).outputs[0])).toHaveLength(1);
    expect(await codeOf(engine.infer(request, { signal: AbortSignal.abort() }))).toBe('CANCELLED');
    const after = await stats(engine, 'slow');
    // In process the abort reaches the queue at once: the request never runs. On a server the
    // cancel is a message racing the queue (Triton checks it before and during the run): at a
    // load of 35 it once arrived after the run had finished. The caller's CANCELLED above is
    // the contract; the server's count may then include the run.
    if (engine.kind === 'onnx') expect(after.inferenceCount - before.inferenceCount).toBe(1);
    else expect([1, 2]).toContain(after.inferenceCount - before.inferenceCount);
  });

  test('deadline of a queued request', async (engine) => {
    await engine.loadModel('slow', LOAD);
    const request = slowRequest();
    const running = engine.infer(request);
    expect(await codeOf(engine.infer(request, { timeoutMs: 10 }))).toBe('DEADLINE_EXCEEDED');
    await running;
    expect(values((await engine.infer(request)).outputs[0])).toHaveLength(1);
  });

  test('statistics', async (engine) => {
    await engine.loadModel('add_sub', LOAD);
    const before = await stats(engine, 'add_sub');
    const one = {
      model: 'add_sub',
      inputs: [fp32('INPUT0', [1, 4], [1, 2, 3, 4]), fp32('INPUT1', [1, 4], [1, 2, 3, 4])],
    };
    for (let i = 0; i < 3; i++) await engine.infer(one);
    await engine.infer({
      model: 'add_sub',
      inputs: [fp32('INPUT0', [2, 4], new Array(8).fill(1)), fp32('INPUT1', [2, 4], new Array(8).fill(1))],
    });
    const after = await stats(engine, 'add_sub');
    const grew = (pick: (s: ModelStatistics) => number) => pick(after) - pick(before);
    const sizeCount = (s: ModelStatistics, size: number) =>
      s.batchStats.find((b) => b.batchSize === size)?.computeInfer.count ?? 0;
    expect({
      inferences: grew((s) => s.inferenceCount),
      executions: grew((s) => s.executionCount),
      success: grew((s) => s.inferenceStats.success.count),
      queue: grew((s) => s.inferenceStats.queue.count),
      computeInfer: grew((s) => s.inferenceStats.computeInfer.count),
      batchesOf1: grew((s) => sizeCount(s, 1)),
      batchesOf2: grew((s) => sizeCount(s, 2)),
    }).toEqual({
      inferences: 5,
      executions: 4,
      success: 4,
      queue: 4,
      computeInfer: 4,
      batchesOf1: 3,
      batchesOf2: 1,
    });
    expect(after.name).toBe('add_sub');
    expect(after.version).toBe('1');
    expect(after.lastInference).toBeGreaterThan(0);
    expect(after.inferenceStats.success.ns + after.inferenceStats.computeInfer.ns).toBeGreaterThan(0);
    expect((await engine.statistics()).some((s) => s.name === 'add_sub' && s.version === '1')).toBe(true);
  });

  test('unload with requests in flight', async (engine, { untilQueued }) => {
    await engine.loadModel('slow', LOAD);
    const request = slowRequest();
    // A first answer caches what the engine checks requests against (one round trip on Triton),
    // so the two requests below reach the model before the unload does.
    await engine.infer(request);
    const settled: string[] = [];
    const running = engine.infer(request).finally(() => settled.push('running'));
    // The second request is queued: it may still run or fail as not ready, never hang or fail otherwise.
    const queued = codeOf(engine.infer(request)).finally(() => settled.push('queued'));
    // Unload only once the second request waits in the engine (so the first one is running).
    await untilQueued('slow');
    await engine.unloadModel('slow', LOAD);
    // unloadModel resolves only after the requests in flight have finished, on every engine.
    expect(settled.sort()).toEqual(['queued', 'running']);
    expect(values((await running).outputs[0])).toHaveLength(1);
    expect(['resolved', 'MODEL_NOT_READY', 'ENGINE_UNAVAILABLE']).toContain(await queued);
    expect(await codeOf(engine.infer(request))).toBe('MODEL_NOT_READY');
  });

  test('close', async (engine, { untilQueued }) => {
    await engine.loadModel('slow', LOAD);
    const request = slowRequest();
    const running = codeOf(engine.infer(request));
    const queued = codeOf(engine.infer(request));
    await untilQueued('slow');
    await engine.close();
    expect(['resolved', 'ENGINE_UNAVAILABLE']).toContain(await running);
    expect(await queued).toBe('ENGINE_UNAVAILABLE');
    // After close, every engine answers the same: probes say false, everything else refuses.
    expect([await engine.isLive(), await engine.isReady(), await engine.isModelReady('slow')]).toEqual([
      false,
      false,
      false,
    ]);
    const refused = {
      infer: await codeOf(engine.infer(request)),
      repositoryIndex: await codeOf(engine.repositoryIndex()),
      loadModel: await codeOf(engine.loadModel('add_sub')),
      unloadModel: await codeOf(engine.unloadModel('slow')),
      modelMetadata: await codeOf(engine.modelMetadata('slow')),
      modelConfig: await codeOf(engine.modelConfig('slow')),
      statistics: await codeOf(engine.statistics()),
      statisticsOfModel: await codeOf(engine.statistics('slow')),
    };
    for (const code of Object.values(refused)) expect(code).toBe('ENGINE_UNAVAILABLE');
    await expect(engine.close()).resolves.toBeUndefined();
  });
}
