/**
 * What only the embedded engine promises, beyond the shared conformance suite: startup loading,
 * option checks, a failed reload keeping the loaded model, unload failing queued work, and
 * statistics of failures. Real onnxruntime over the fixture repository.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine.js';
import { createOnnxEngine } from '../src/engine/onnx/onnx-engine.js';
import { isChipqError } from '../src/errors.js';
import type { InferRequest } from '../src/kserve/kserve-types.js';
import { fixtureRepository as repository } from './support/conformance/engine-conformance.js';

const engines: Engine[] = [];
async function engineWith(startupModels: string[] | '*' = []): Promise<Engine> {
  const engine = await createOnnxEngine({
    repository,
    startupModels,
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  engines.push(engine);
  return engine;
}
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.close()));
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (isChipqError(error) ? error.code : `not a ChipqError: ${String(error)}`),
  );
}

const addSub: InferRequest = {
  model: 'add_sub',
  inputs: [
    { name: 'INPUT0', datatype: 'FP32', shape: [1, 4], data: Float32Array.of(1, 2, 3, 4) },
    { name: 'INPUT1', datatype: 'FP32', shape: [1, 4], data: Float32Array.of(1, 1, 1, 1) },
  ],
};
const slow: InferRequest = {
  model: 'slow',
  inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: Float32Array.of(2) }],
};

describe('model names from clients', () => {
  it('keep no state for a name that is not in the repository', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chipq-names-'));
    try {
      const engine = await createOnnxEngine({ repository: dir });
      engines.push(engine);
      for (let i = 0; i < 50; i++)
        expect(await codeOf(engine.loadModel(`random_${i}`))).toBe('MODEL_NOT_FOUND');
      // Had the failed loads left an entry behind, a model added later under one of those names
      // would show the stale "not in the repository" reason.
      await cp(join(repository, 'add_sub'), join(dir, 'random_7'), { recursive: true });
      expect(await engine.repositoryIndex()).toEqual([
        { name: 'random_7', version: '', state: 'UNAVAILABLE', reason: '' },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('createOnnxEngine', () => {
  it('loads named startup models', async () => {
    const engine = await engineWith(['add_sub', 'no_batch']);
    expect([
      await engine.isModelReady('add_sub'),
      await engine.isModelReady('no_batch'),
      await engine.isModelReady('slow'),
    ]).toEqual([true, true, false]);
  });

  it("with '*' loads every model it can and lists the others as UNAVAILABLE with the reason", async () => {
    const engine = await engineWith('*');
    const index = await engine.repositoryIndex();
    const ready = index.filter((e) => e.state === 'READY').map((e) => `${e.name}/${e.version}`);
    expect(ready).toEqual(
      expect.arrayContaining(['add_sub/1', 'no_batch/1', 'slow/1', 'uint8_pair/1', 'uint8_pair/2']),
    );
    const broken = index.find((e) => e.name === 'broken');
    expect(broken?.state).toBe('UNAVAILABLE');
    expect(broken?.reason).toContain('no version folder holds a model file');
  });

  it('fails when a named startup model cannot load', async () => {
    await expect(createOnnxEngine({ repository, startupModels: ['broken'] })).rejects.toMatchObject({
      code: 'MODEL_CONFIG_INVALID',
    });
  });

  it('rejects invalid options with the exact message', async () => {
    await expect(createOnnxEngine({ repository, intraOpNumThreads: 0 })).rejects.toThrow(
      'expected an integer between 1 and 1024 for intraOpNumThreads, got 0',
    );
  });
});

describe('model management', () => {
  it('keeps the loaded model serving when a reload fails', async () => {
    const engine = await engineWith(['add_sub']);
    const config = await engine.modelConfig('add_sub');
    expect(
      await codeOf(
        engine.loadModel('add_sub', {
          config: { ...config, platform: 'tensorrt_plan', backend: 'tensorrt' },
        }),
      ),
    ).toBe('MODEL_CONFIG_INVALID');
    expect(await engine.isModelReady('add_sub')).toBe(true);
    expect((await engine.modelConfig('add_sub')).platform).toBe(config.platform);
    expect(Array.from((await engine.infer(addSub)).outputs[0]?.data as Float32Array)).toEqual([2, 3, 4, 5]);
  });

  it('refuses an override config written for another model', async () => {
    const engine = await engineWith(['add_sub']);
    const config = await engine.modelConfig('add_sub');
    expect(await codeOf(engine.loadModel('no_batch', { config }))).toBe('INVALID_INPUT');
  });

  it('applies an override instance count and batching settings', async () => {
    const engine = await engineWith(['slow']);
    const config = await engine.modelConfig('slow');
    await engine.loadModel('slow', {
      config: {
        ...config,
        instanceGroup: [{ count: 2, kind: 'KIND_CPU', gpus: [] }],
        dynamicBatching: { preferredBatchSize: [2], maxQueueDelayMicroseconds: 0, preserveOrdering: false },
      },
    });
    const after = await engine.modelConfig('slow');
    expect([after.instanceGroup[0]?.count, after.dynamicBatching?.preferredBatchSize]).toEqual([2, [2]]);
    const results = await Promise.all([1, 2, 3].map(() => engine.infer(slow)));
    expect(results.every((r) => r.outputs[0]?.shape.join() === '1,1')).toBe(true);
  });

  it("honours config.pbtxt's queue policy: a full queue and a queue timeout are RESOURCE_EXHAUSTED", async () => {
    const engine = await engineWith(['slow']);
    const config = await engine.modelConfig('slow');
    await engine.loadModel('slow', {
      config: {
        ...config,
        // One instance that runs one request at a time; batches wait 60 s to form, so requests stay queued.
        maxBatchSize: 4,
        dynamicBatching: {
          preferredBatchSize: [4],
          maxQueueDelayMicroseconds: 60_000_000,
          preserveOrdering: false,
          extra: {
            default_queue_policy: {
              max_queue_size: 2,
              default_timeout_microseconds: 60_000_000,
              allow_timeout_override: true,
            },
          },
        },
      },
    });
    // All submitted in one tick: two wait for the batch window, the third finds the queue full.
    const first = codeOf(engine.infer({ ...slow, timeoutMicroseconds: 50_000 }));
    const second = codeOf(engine.infer({ ...slow, timeoutMicroseconds: 50_000 }));
    const third = codeOf(engine.infer(slow));
    expect(await third).toBe('RESOURCE_EXHAUSTED');
    // The two queued ones asked for a 50 ms queue timeout (allowed: shorter than the default).
    expect([await first, await second]).toEqual(['RESOURCE_EXHAUSTED', 'RESOURCE_EXHAUSTED']);
    expect(
      await codeOf(
        engine.loadModel('slow', {
          config: {
            ...config,
            dynamicBatching: {
              preferredBatchSize: [],
              maxQueueDelayMicroseconds: 0,
              preserveOrdering: false,
              extra: { default_queue_policy: { timeout_action: { $enum: 'LATER' } } },
            },
          },
        }),
      ),
    ).toBe('MODEL_CONFIG_INVALID');
  });

  it('fails requests still queued at unload with MODEL_NOT_READY; the running one finishes', async () => {
    const engine = await engineWith(['slow']);
    const running = codeOf(engine.infer(slow));
    const queued = codeOf(engine.infer(slow));
    await new Promise((resolve) => setImmediate(resolve));
    await engine.unloadModel('slow');
    expect([await running, await queued]).toEqual(['resolved', 'MODEL_NOT_READY']);
  });

  it('honours an aborted signal on load', async () => {
    const engine = await engineWith();
    expect(await codeOf(engine.loadModel('add_sub', { signal: AbortSignal.abort() }))).toBe('CANCELLED');
    expect(await engine.isModelReady('add_sub')).toBe(false);
  });

  it('refuses work after close', async () => {
    const engine = await engineWith(['add_sub']);
    await engine.close();
    expect([
      await codeOf(engine.loadModel('add_sub')),
      await codeOf(engine.infer(addSub)),
      await engine.isLive(),
    ]).toEqual(['ENGINE_UNAVAILABLE', 'ENGINE_UNAVAILABLE', false]);
  });
});

describe('tensor data', () => {
  it('reads inputs that are views into a larger buffer and never detaches a caller buffer', async () => {
    const engine = await engineWith(['add_sub']);
    const pool = Float32Array.of(99, 1, 2, 3, 4, 99);
    const view = pool.subarray(1, 5);
    const ones = Float32Array.of(1, 1, 1, 1);
    const request: InferRequest = {
      model: 'add_sub',
      inputs: [
        { name: 'INPUT0', datatype: 'FP32', shape: [1, 4], data: view },
        { name: 'INPUT1', datatype: 'FP32', shape: [1, 4], data: ones },
      ],
    };
    // Several at once so some run joined in one batch (whose buffers move to the worker).
    const results = await Promise.all([1, 2, 3, 4].map(() => engine.infer(request)));
    expect(results.map((r) => Array.from(r.outputs[0]?.data as Float32Array))).toEqual(
      [1, 2, 3, 4].map(() => [2, 3, 4, 5]),
    );
    expect([Array.from(pool), Array.from(ones)]).toEqual([
      [99, 1, 2, 3, 4, 99],
      [1, 1, 1, 1],
    ]);
  });
});

describe('timing and statistics', () => {
  it('reports queue time for a request that waited for the instance', async () => {
    const engine = await engineWith(['slow']);
    const [first, second] = await Promise.all([engine.infer(slow), engine.infer(slow)]);
    expect(first?.timing.computeMs).toBeGreaterThan(0);
    expect(second?.timing.queueMs).toBeGreaterThan(0);
  });

  it('counts a rejected request as a failure, not an inference', async () => {
    const engine = await engineWith(['add_sub']);
    await codeOf(engine.infer({ ...addSub, inputs: addSub.inputs.slice(1) }));
    const [stats] = await engine.statistics('add_sub');
    expect([
      stats?.inferenceStats.fail.count,
      stats?.inferenceStats.success.count,
      stats?.inferenceCount,
    ]).toEqual([1, 0, 0]);
  });
});
