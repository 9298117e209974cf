import { describe, expect, it } from 'vitest';
import type { ModelStatistics } from '../../kserve/kserve-types.js';
import { TritonStatistics } from './triton-statistics.js';

const zero = { count: 0, ns: 0 };
function entry(success: number, version = '1'): ModelStatistics {
  return {
    name: 'm',
    version,
    lastInference: 0,
    inferenceCount: success,
    executionCount: success,
    inferenceStats: {
      success: { count: success, ns: 0 },
      fail: zero,
      queue: zero,
      computeInput: zero,
      computeInfer: zero,
      computeOutput: zero,
    },
    batchStats: [],
  };
}

/** A reader that returns the given successive answers, repeating the last one. */
function reader(...answers: number[]) {
  let calls = 0;
  const read = async () => [entry(answers[Math.min(calls++, answers.length - 1)] as number)];
  return { read, calls: () => calls };
}

describe('TritonStatistics', () => {
  it('reads again until an answered request shows up', async () => {
    const stats = new TritonStatistics();
    await stats.read(reader(5).read);
    stats.answered('m', '1');
    const lagging = reader(5, 5, 6);
    expect((await stats.read(lagging.read))[0]?.inferenceStats.success.count).toBe(6);
    expect(lagging.calls()).toBe(3);
  });

  it('reads once when nothing is pending or the model was never read', async () => {
    const stats = new TritonStatistics();
    stats.answered('m', '1');
    const first = reader(0);
    await stats.read(first.read);
    expect(first.calls()).toBe(1);
    const again = reader(0);
    await stats.read(again.read);
    expect(again.calls()).toBe(1);
  });

  it('gives up after its bound (a reload restarted the counts)', async () => {
    const stats = new TritonStatistics();
    await stats.read(reader(5).read);
    stats.answered('m', '1');
    const reloaded = reader(0);
    expect((await stats.read(reloaded.read))[0]?.inferenceStats.success.count).toBe(0);
    expect(reloaded.calls()).toBe(21);
  });

  it('forgets a model on load and unload', async () => {
    const stats = new TritonStatistics();
    await stats.read(reader(5).read);
    stats.answered('m', '1');
    stats.forget('m');
    const after = reader(0);
    await stats.read(after.read);
    expect(after.calls()).toBe(1);
  });
});
