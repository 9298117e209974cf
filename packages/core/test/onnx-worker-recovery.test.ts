/**
 * A dead worker thread is not permanent: the embedded engine starts a new one and the next
 * requests succeed; when the session cannot be reopened the model becomes UNAVAILABLE with the
 * reason instead of staying READY and failing every request. Workers are caught as they are
 * created through Node's `worker_threads` diagnostics channel and killed with terminate().
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine.js';
import { createOnnxEngine } from '../src/engine/onnx/onnx-engine.js';
import type { InferRequest } from '../src/kserve/kserve-types.js';
import { fixtureRepository } from './support/conformance/engine-conformance.js';

const request: InferRequest = {
  model: 'add_sub',
  inputs: [
    { name: 'INPUT0', datatype: 'FP32', shape: [1, 4], data: Float32Array.of(1, 2, 3, 4) },
    { name: 'INPUT1', datatype: 'FP32', shape: [1, 4], data: Float32Array.of(1, 1, 1, 1) },
  ],
};

let workers: Worker[] = [];
const onWorker = (message: unknown) => workers.push((message as { worker: Worker }).worker);
let engine: Engine | undefined;
let repository: string;

beforeEach(async () => {
  workers = [];
  subscribe('worker_threads', onWorker);
  repository = await mkdtemp(join(tmpdir(), 'chipq-worker-'));
  await cp(join(fixtureRepository, 'add_sub'), join(repository, 'add_sub'), { recursive: true });
  engine = await createOnnxEngine({ repository, startupModels: ['add_sub'], intraOpNumThreads: 1 });
});
afterEach(async () => {
  unsubscribe('worker_threads', onWorker);
  await engine?.close();
  await rm(repository, { recursive: true, force: true });
});

async function killLastWorker(): Promise<void> {
  const worker = workers.at(-1);
  if (!worker) throw new Error('no worker was created');
  await worker.terminate();
}

describe('a dead ONNX worker', () => {
  it('is replaced: the next requests succeed and the model stays READY', async () => {
    const e = engine as Engine;
    expect(workers).toHaveLength(1);
    await killLastWorker();
    for (let i = 0; i < 3; i++) {
      const result = await e.infer(request);
      expect(Array.from(result.outputs.find((o) => o.name === 'OUTPUT0')?.data as Float32Array)).toEqual([
        2, 3, 4, 5,
      ]);
    }
    expect(workers).toHaveLength(2);
    expect(await e.isModelReady('add_sub')).toBe(true);
  });

  it('that cannot be replaced marks the model UNAVAILABLE with the reason', async () => {
    const e = engine as Engine;
    // The session cannot be reopened: its file is gone.
    await rm(join(repository, 'add_sub', '1', 'model.onnx'));
    await killLastWorker();
    // The next request waits for the restarts, then learns the model is not ready, and why.
    const failure = await e.infer(request).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'MODEL_NOT_READY', message: expect.stringContaining('worker') });
    expect(await e.isModelReady('add_sub')).toBe(false);
    const entry = (await e.repositoryIndex()).find((x) => x.name === 'add_sub');
    expect(entry).toMatchObject({
      state: 'UNAVAILABLE',
      reason: expect.stringContaining('could not be restarted'),
    });
    await expect(e.infer(request)).rejects.toMatchObject({
      code: 'MODEL_NOT_READY',
      message: expect.stringContaining('could not be restarted'),
    });
  });
});
