/**
 * The Triton engine and client against a real Triton beyond the shared conformance suite:
 * server metadata and health, Prometheus metrics, configs equal to what the config.pbtxt parser
 * reads, cancellation and deadlines of a running inference, and recovery after the server is
 * killed mid-run and started again (circuit breaker, reconnect).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../packages/core/src/engine/engine.js';
import { createTritonEngine } from '../../packages/core/src/engine/triton/triton-engine.js';
import { isChipqError } from '../../packages/core/src/errors.js';
import type { InferRequest } from '../../packages/core/src/kserve/kserve-types.js';
import { parseModelConfig } from '../../packages/core/src/model-repository/model-config-parser.js';
import { createTritonClient } from '../../packages/core/src/triton-client/create-triton-client.js';
import type { TritonClient } from '../../packages/core/src/triton-client/triton-client.js';
import { fixtureRepository } from '../../packages/core/test/support/conformance/engine-conformance.js';
import { startTritonServer, type TritonServer, tritonAvailability } from './support/triton-server.js';

const availability = await tritonAvailability();
const suite = availability.available ? describe : describe.skip;
const title = availability.available
  ? 'Triton engine against a real server'
  : `Triton engine (skipped: ${availability.reason})`;

const LOAD = { timeoutMs: 120_000 };
const addSub: InferRequest = {
  model: 'add_sub',
  inputs: [
    { name: 'INPUT0', datatype: 'FP32', shape: [1, 4], data: Float32Array.from([1, 2, 3, 4]) },
    { name: 'INPUT1', datatype: 'FP32', shape: [1, 4], data: Float32Array.from([1, 1, 1, 1]) },
  ],
};
const slow: InferRequest = {
  model: 'slow',
  inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: Float32Array.from([2]) }],
};
/** Four images in one request of `slow`: several times longer than any settle() below. */
const slower: InferRequest = {
  model: 'slow',
  inputs: [{ name: 'x', datatype: 'FP32', shape: [4, 1], data: Float32Array.from([1, 2, 3, 4]) }],
};

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isChipqError(error) ? error.code : `not a ChipqError: ${String(error)}`;
  }
}

/** Lets a just-sent request reach Triton and start running; never an assertion. */
const settle = (ms = 100) => new Promise((resolve) => setTimeout(resolve, ms));

suite(title, () => {
  let server: TritonServer;
  let engine: Engine;
  let client: TritonClient;

  beforeAll(async () => {
    server = await startTritonServer({ name: 'triton-integration' });
    const options = {
      url: server.grpcUrl,
      connectTimeoutMs: 1000,
      circuitBreaker: { failureThreshold: 2, cooldownMs: 200 },
    };
    engine = await createTritonEngine({ ...options, startupModels: ['add_sub', 'slow'] });
    client = createTritonClient(options);
  });
  afterAll(async () => {
    await engine?.close();
    client?.close();
    await server?.stop();
  });

  it('answers server metadata and the standard gRPC health check', async () => {
    expect(await client.serverMetadata()).toMatchObject({ name: 'triton', version: '2.51.0' });
    expect((await client.serverMetadata()).extensions).toContain('model_repository');
    expect(await client.healthCheck()).toBe('SERVING');
    expect([await engine.isLive(), await engine.isReady()]).toEqual([true, true]);
  });

  it('serves Prometheus metrics on the metrics port', async () => {
    await engine.infer(addSub);
    // Triton counts a request just after answering it (as with statistics): read until the
    // counter shows it, for at most 5 s, then assert on the last page read.
    const counted = /nv_inference_request_success\{model="add_sub",version="1"\} [1-9]/;
    let text = '';
    for (let attempt = 0; attempt < 50 && !counted.test(text); attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      text = await (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).text();
    }
    expect(text).toMatch(counted);
  });

  it.each(['add_sub', 'uint8_pair', 'no_batch', 'slow'])(
    'reports the config of %s as the config.pbtxt parser reads it',
    async (name) => {
      await engine.loadModel(name, LOAD);
      const file = join(fixtureRepository, name, 'config.pbtxt');
      const written = parseModelConfig(await readFile(file, 'utf8'), { file, defaultName: name });
      const served = await engine.modelConfig(name);
      // Triton's one normalization here: `dynamic_batching { }` gets max_batch_size as its preferred size.
      if (written.dynamicBatching?.preferredBatchSize.length === 0)
        written.dynamicBatching.preferredBatchSize = [written.maxBatchSize];
      const comparable = (c: typeof served) => ({
        name: c.name,
        maxBatchSize: c.maxBatchSize,
        input: c.input,
        output: c.output,
        preferredBatchSize: c.dynamicBatching?.preferredBatchSize,
        maxQueueDelayMicroseconds: c.dynamicBatching?.maxQueueDelayMicroseconds,
        versionPolicy: c.versionPolicy,
        parameters: c.parameters,
        instances: c.instanceGroup.map((group) => group.count),
      });
      expect(comparable(served)).toEqual(comparable(written));
    },
  );

  it('runs concurrent loads of one model one after another, so the last call decides the config', async () => {
    await engine.loadModel('uint8_pair', LOAD);
    const config = await engine.modelConfig('uint8_pair');
    // Neither awaited: the plain load must see the override load's outcome, as the embedded engine does.
    const override = engine.loadModel('uint8_pair', {
      ...LOAD,
      config: { ...config, versionPolicy: { kind: 'specific', versions: [1] } },
    });
    const plain = engine.loadModel('uint8_pair', LOAD);
    await Promise.all([override, plain]);
    expect((await engine.modelMetadata('uint8_pair')).versions.sort()).toEqual(['1', '2']);
    // And a load racing an unload: whichever was called last wins.
    await Promise.all([engine.unloadModel('uint8_pair', LOAD), engine.loadModel('uint8_pair', LOAD)]);
    expect(await engine.isModelReady('uint8_pair')).toBe(true);
  });

  it('cancels a running inference', async () => {
    const controller = new AbortController();
    const running = codeOf(engine.infer(slower, { signal: controller.signal }));
    await settle();
    controller.abort();
    expect(await running).toBe('CANCELLED');
  });

  it('ends a running inference at its deadline', async () => {
    expect(await codeOf(engine.infer(slower, { timeoutMs: 50 }))).toBe('DEADLINE_EXCEEDED');
    expect(await codeOf(client.modelInfer(slower, { timeoutMs: 50 }))).toBe('DEADLINE_EXCEEDED');
  });

  it('rejects a tensor that does not match the model before the wire', async () => {
    const before = (await engine.statistics('add_sub', '1'))[0];
    const wrong = {
      ...addSub,
      inputs: [{ ...addSub.inputs[0], datatype: 'FP64', data: new Float64Array(4) }, addSub.inputs[1]],
    };
    expect(await codeOf(engine.infer(wrong as InferRequest))).toBe('INVALID_INPUT');
    const after = (await engine.statistics('add_sub', '1'))[0];
    expect(after?.inferenceStats.fail.count).toBe(before?.inferenceStats.fail.count);
  });

  it('recovers after the server is killed mid-run and started again', async () => {
    // Four requests for the one instance of `slow`: when any of them answers, the other three
    // are still running or queued in Triton (Triton does not promise their order).
    const inFlight = Array.from({ length: 4 }, () => codeOf(engine.infer(slow)));
    expect(await Promise.race(inFlight)).toBe('resolved');
    await server.stop('SIGKILL');
    const codes = await Promise.all(inFlight);
    expect(codes.every((code) => code === 'resolved' || code === 'ENGINE_UNAVAILABLE')).toBe(true);
    expect(codes.filter((code) => code === 'ENGINE_UNAVAILABLE').length).toBeGreaterThanOrEqual(2);
    expect(await engine.isLive()).toBe(false);

    // Two connect failures open the breaker; the next call fails at once without trying.
    expect(await codeOf(engine.infer(addSub))).toBe('ENGINE_UNAVAILABLE');
    expect(await codeOf(engine.infer(addSub))).toBe('ENGINE_UNAVAILABLE');
    expect(client.circuitState).toBe('closed');
    const fast = await engine.infer(addSub).catch((error: unknown) => error);
    expect(fast).toMatchObject({ code: 'ENGINE_UNAVAILABLE', details: { circuit: 'open' } });

    await server.restart(['add_sub']);
    // Health checks pass an open breaker and close it once the server answers again.
    let live = false;
    for (let attempt = 0; attempt < 100 && !live; attempt++) {
      live = await engine.isLive();
      if (!live) await settle();
    }
    expect(live).toBe(true);
    const result = await engine.infer(addSub);
    expect(Array.from(result.outputs[0]?.data as Float32Array)).toEqual([2, 3, 4, 5]);
  });
});
