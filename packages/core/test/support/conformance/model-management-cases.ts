/**
 * Conformance cases about the server and model management: liveness, the repository index,
 * load / unload / reload (with a config override, with requests in flight), unknown models and
 * versions, metadata and config.
 */
import { expect } from 'vitest';
import {
  type ConformanceContext,
  codeOf,
  fp32,
  LOAD,
  pair,
  slowRequest,
  values,
} from './conformance-context.js';

export function registerModelManagementCases({ test }: ConformanceContext): void {
  test('live and ready', async (engine) => {
    expect(await engine.isLive()).toBe(true);
    expect(await engine.isReady()).toBe(true);
    expect(typeof engine.kind).toBe('string');
  });

  test('repository index', async (engine) => {
    await engine.loadModel('uint8_pair', LOAD);
    const index = await engine.repositoryIndex();
    const names = [...new Set(index.map((entry) => entry.name))];
    expect(names).toEqual(expect.arrayContaining(['add_sub', 'broken', 'no_batch', 'slow', 'uint8_pair']));
    const pairEntries = index
      .filter((entry) => entry.name === 'uint8_pair' && entry.state === 'READY')
      .map((entry) => entry.version);
    expect(pairEntries.sort()).toEqual(['1', '2']);
    expect(index.filter((entry) => entry.name === 'broken').every((entry) => entry.state !== 'READY')).toBe(
      true,
    );
  });

  test('load failure', async (engine) => {
    expect(await codeOf(engine.loadModel('broken', LOAD))).not.toMatch(/resolved|not a ChipqError/);
    const broken = (await engine.repositoryIndex()).filter((entry) => entry.name === 'broken');
    expect(broken.length).toBeGreaterThan(0);
    expect(broken.every((entry) => entry.state === 'UNAVAILABLE' && entry.reason !== '')).toBe(true);
    expect(await engine.isModelReady('broken')).toBe(false);
  });

  test('load and unload', async (engine) => {
    await engine.loadModel('add_sub', LOAD);
    expect(await engine.isModelReady('add_sub')).toBe(true);
    await engine.unloadModel('add_sub', LOAD);
    expect(await engine.isModelReady('add_sub')).toBe(false);
    const request = {
      model: 'add_sub',
      inputs: [fp32('INPUT0', [1, 4], [1, 2, 3, 4]), fp32('INPUT1', [1, 4], [1, 1, 1, 1])],
    };
    expect(await codeOf(engine.infer(request))).toBe('MODEL_NOT_READY');
    const entry = (await engine.repositoryIndex()).find((e) => e.name === 'add_sub');
    expect(entry?.state).not.toBe('READY');
    await engine.loadModel('add_sub', LOAD);
    expect(values((await engine.infer(request)).outputs[0])).toEqual([2, 3, 4, 5]);
  });

  test('reload with a config override', async (engine) => {
    await engine.loadModel('uint8_pair', LOAD);
    const config = await engine.modelConfig('uint8_pair');
    await engine.loadModel('uint8_pair', {
      ...LOAD,
      config: { ...config, versionPolicy: { kind: 'specific', versions: [1] } },
    });
    expect((await engine.modelMetadata('uint8_pair')).versions).toEqual(['1']);
    expect(await engine.isModelReady('uint8_pair', '2')).toBe(false);
    expect((await engine.infer(pair(1, 4, 4, 3))).version).toBe('1');
    await engine.loadModel('uint8_pair', LOAD);
    expect((await engine.modelMetadata('uint8_pair')).versions.sort()).toEqual(['1', '2']);
  });

  test('reload keeps in-flight requests', async (engine, { untilQueued }) => {
    await engine.loadModel('slow', LOAD);
    const request = slowRequest();
    const running = [engine.infer(request), engine.infer(request)];
    // One instance: the first request runs, the second waits; reload only once both are inside.
    await untilQueued('slow');
    await engine.loadModel('slow', LOAD);
    const answers = await Promise.all(running);
    expect(answers.map((a) => values(a.outputs[0]).length)).toEqual([1, 1]);
    expect(await engine.isModelReady('slow')).toBe(true);
  });

  test('model not found', async (engine) => {
    const request = { model: 'no_such_model', inputs: [fp32('x', [1, 1], [1])] };
    expect(await codeOf(engine.infer(request))).toBe('MODEL_NOT_FOUND');
    expect(await codeOf(engine.modelMetadata('no_such_model'))).toBe('MODEL_NOT_FOUND');
    expect(await codeOf(engine.loadModel('no_such_model', LOAD))).toBe('MODEL_NOT_FOUND');
    expect(await engine.isModelReady('no_such_model')).toBe(false);
  });

  test('version selection', async (engine) => {
    await engine.loadModel('uint8_pair', LOAD);
    const newest = await engine.infer(pair(1, 4, 4, 3));
    expect([newest.version, values(newest.outputs[0])]).toEqual(['2', [6]]);
    const first = await engine.infer({ ...pair(1, 4, 4, 3), version: '1' });
    expect([first.version, values(first.outputs[0])]).toEqual(['1', [3]]);
    expect(await codeOf(engine.infer({ ...pair(1, 4, 4, 3), version: '7' }))).toBe('MODEL_NOT_FOUND');
    expect([
      await engine.isModelReady('uint8_pair', '1'),
      await engine.isModelReady('uint8_pair', '7'),
    ]).toEqual([true, false]);
  });

  test('metadata', async (engine) => {
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
    expect([plain.inputs, plain.outputs]).toEqual([
      [{ name: 'x', datatype: 'FP32', shape: [2, 3] }],
      [{ name: 'y', datatype: 'FP32', shape: [2, 3] }],
    ]);
  });

  test('model config', async (engine) => {
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
}
