/**
 * Conformance cases about answers: exact outputs of the fixture models, batches inside one
 * request, a model without batching, output selection, the request id, and invalid requests.
 */
import { expect } from 'vitest';
import type { InferRequest } from '../../../src/kserve/kserve-types.js';
import { type ConformanceContext, codeOf, fp32, LOAD, pair, values } from './conformance-context.js';

export function registerInferenceCases({ test }: ConformanceContext): void {
  test('infer add_sub', async (engine) => {
    await engine.loadModel('add_sub', LOAD);
    const result = await engine.infer({
      model: 'add_sub',
      inputs: [fp32('INPUT0', [1, 4], [1, 2, 3, 4]), fp32('INPUT1', [1, 4], [10, 20, 30, 40])],
    });
    expect(result.model).toBe('add_sub');
    expect(result.version).toBe('1');
    expect(result.outputs.map((t) => [t.name, t.datatype, t.shape, values(t)])).toEqual([
      ['OUTPUT0', 'FP32', [1, 4], [11, 22, 33, 44]],
      ['OUTPUT1', 'FP32', [1, 4], [-9, -18, -27, -36]],
    ]);
  });

  test('timing', async (engine) => {
    await engine.loadModel('add_sub', LOAD);
    const { timing } = await engine.infer({
      model: 'add_sub',
      inputs: [fp32('INPUT0', [1, 4], [1, 2, 3, 4]), fp32('INPUT1', [1, 4], [1, 1, 1, 1])],
    });
    // The whole call is always known; its parts are known together or not at all, and fit inside it.
    expect(timing.engineMs).toBeGreaterThan(0);
    expect(timing.queueMs === null).toBe(timing.computeMs === null);
    if (timing.queueMs !== null && timing.computeMs !== null) {
      expect(timing.queueMs).toBeGreaterThanOrEqual(0);
      expect(timing.computeMs).toBeGreaterThan(0);
      expect(timing.queueMs + timing.computeMs).toBeLessThanOrEqual(timing.engineMs);
    }
    // Triton reports no per-request split: unknown is null, never a made-up 0.
    if (engine.kind === 'triton') expect(timing.queueMs).toBeNull();
    else expect(timing.queueMs).not.toBeNull();
  });

  test('infer uint8_pair', async (engine) => {
    await engine.loadModel('uint8_pair', LOAD);
    const result = await engine.infer({ ...pair(1, 4, 4, 5), version: '1' });
    expect(result.outputs.map((t) => [t.name, t.datatype, t.shape, values(t)])).toEqual([
      ['score', 'FP32', [1, 1], [5]],
    ]);
    const odd = await engine.infer({ ...pair(1, 3, 5, 2), version: '1' });
    // 15 pixels: alternating signs still give |a-b| = 2 everywhere.
    expect(values(odd.outputs[0])[0]).toBeCloseTo(2, 5);
  });

  test('batch of several images in one request', async (engine) => {
    await engine.loadModel('uint8_pair', LOAD);
    await engine.loadModel('add_sub', LOAD);
    const result = await engine.infer(pair(3, 4, 4, 1));
    expect([result.outputs[0]?.shape, values(result.outputs[0])]).toEqual([
      [3, 1],
      [2, 4, 6],
    ]);
    const added = await engine.infer({
      model: 'add_sub',
      inputs: [
        fp32('INPUT0', [2, 4], [1, 2, 3, 4, 5, 6, 7, 8]),
        fp32('INPUT1', [2, 4], [1, 1, 1, 1, 2, 2, 2, 2]),
      ],
    });
    expect(values(added.outputs[0])).toEqual([2, 3, 4, 5, 7, 8, 9, 10]);
  });

  test('model without batching', async (engine) => {
    await engine.loadModel('no_batch', LOAD);
    const result = await engine.infer({ model: 'no_batch', inputs: [fp32('x', [2, 3], [0, 1, 2, 3, 4, 5])] });
    expect([result.outputs[0]?.shape, values(result.outputs[0])]).toEqual([
      [2, 3],
      [1, 3, 5, 7, 9, 11],
    ]);
    expect(
      await codeOf(engine.infer({ model: 'no_batch', inputs: [fp32('x', [1, 2, 3], [0, 1, 2, 3, 4, 5])] })),
    ).toBe('INVALID_INPUT');
  });

  test('requested outputs and request id', async (engine) => {
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

  test('invalid inputs', async (engine) => {
    await engine.loadModel('add_sub', LOAD);
    const good = fp32('INPUT1', [1, 4], [1, 2, 3, 4]);
    const attempts: Array<[string, InferRequest]> = [
      [
        'wrong datatype',
        {
          model: 'add_sub',
          inputs: [{ name: 'INPUT0', datatype: 'FP64', shape: [1, 4], data: new Float64Array(4) }, good],
        },
      ],
      ['wrong shape', { model: 'add_sub', inputs: [fp32('INPUT0', [1, 5], [1, 2, 3, 4, 5]), good] }],
      ['missing input', { model: 'add_sub', inputs: [good] }],
      [
        'extra input',
        {
          model: 'add_sub',
          inputs: [fp32('INPUT0', [1, 4], [1, 2, 3, 4]), good, fp32('INPUT9', [1, 4], [1, 2, 3, 4])],
        },
      ],
      [
        'batch above max_batch_size',
        {
          model: 'add_sub',
          inputs: [
            fp32('INPUT0', [9, 4], new Array(36).fill(1)),
            fp32('INPUT1', [9, 4], new Array(36).fill(1)),
          ],
        },
      ],
      [
        'unknown output',
        { model: 'add_sub', outputs: ['OUTPUT9'], inputs: [fp32('INPUT0', [1, 4], [1, 2, 3, 4]), good] },
      ],
    ];
    const codes = await Promise.all(
      attempts.map(async ([what, request]) => [what, await codeOf(engine.infer(request))]),
    );
    expect(codes).toEqual(attempts.map(([what]) => [what, 'INVALID_INPUT']));
  });
}
