/**
 * The engine conformance suite (packages/core/test/support/conformance/engine-conformance.ts) against a real
 * Triton serving the fixture repository through the Python backend: the same cases, the same
 * expected answers as the embedded engine — with tensors in the gRPC messages, over Triton's
 * HTTP/REST protocol with binary tensors (the default transport when Triton's HTTP URL is known),
 * and through system shared memory on either transport. One server per suite; each case gets a new client engine, and between cases the
 * server is brought back to "ready, nothing loaded" (restarted when only that helps), so no
 * case sees what another one left behind.
 */
import { describe } from 'vitest';
import type { Engine } from '../../packages/core/src/engine/engine.js';
import { createTritonEngine } from '../../packages/core/src/engine/triton/triton-engine.js';
import { conformanceTimeoutMs } from '../../packages/core/test/support/conformance/conformance-context.js';
import {
  type ConformanceFixture,
  runEngineConformance,
} from '../../packages/core/test/support/conformance/engine-conformance.js';
import { startTritonServer, type TritonServer, tritonAvailability } from './support/triton-server.js';

const availability = await tritonAvailability();

/** Triton's own queue for `model`, from its metrics port (the gauge moves as requests arrive and start). */
async function pendingRequests(server: TritonServer, model: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).text();
  let pending = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`nv_inference_pending_request_count{model="${model}"`))
      pending += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return pending;
}

/**
 * Puts the server back to "no model loaded, ready": unloads what is loaded and waits until Triton
 * has finished unloading (its unload call returns while the model is still UNLOADING, and the
 * server is not ready meanwhile). When that does not happen the server is restarted instead:
 * a failed load leaves Triton not ready for good (strict readiness) and drops that model from
 * its index, and once (shared memory, under load) `slow` stayed UNLOADING for minutes after an
 * engine closed with its requests in flight.
 */
async function resetServer(server: TritonServer): Promise<void> {
  const engine = await createTritonEngine({ url: server.grpcUrl });
  let clean = false;
  try {
    const loaded = (await engine.repositoryIndex()).filter((entry) => entry.state === 'READY');
    for (const name of new Set(loaded.map((entry) => entry.name)))
      await engine.unloadModel(name, { timeoutMs: 60_000 });
    const busy = (entry: { state: string }) => entry.state === 'UNLOADING' || entry.state === 'LOADING';
    const giveUpAt = Date.now() + 60_000;
    while ((await engine.repositoryIndex()).some(busy) && Date.now() < giveUpAt)
      await new Promise((done) => setTimeout(done, 20));
    clean = !(await engine.repositoryIndex()).some(busy) && (await engine.isReady());
  } catch {
    clean = false;
  } finally {
    await engine.close();
  }
  if (!clean) await server.restart();
}

function tritonFixture(
  name: string,
  transport: { http?: boolean; sharedMemory?: 'system' } = {},
): () => Promise<ConformanceFixture> {
  return async () => {
    const server = await startTritonServer({ name });
    return {
      createEngine: (): Promise<Engine> =>
        createTritonEngine({
          url: server.grpcUrl,
          defaultTimeoutMs: conformanceTimeoutMs,
          ...(transport.http ? { httpUrl: `http://127.0.0.1:${server.httpPort}` } : {}),
          ...(transport.sharedMemory ? { sharedMemory: transport.sharedMemory } : {}),
        }),
      queuedRequests: (_engine, model) => pendingRequests(server, model),
      reset: () => resetServer(server),
      close: () => server.stop(),
    };
  };
}

if (!availability.available) {
  describe.skip(`engine conformance: triton (skipped: ${availability.reason})`, () => {});
} else {
  runEngineConformance({ name: 'triton', open: tritonFixture('triton-conformance') });
  // Inferences over HTTP/REST with binary tensors (the control plane stays on gRPC).
  const overHttp = {
    'cancel a queued request':
      'over HTTP Triton cannot dequeue a request it received (closing the connection does not cancel it): the caller gets CANCELLED at once, but the model still runs it',
  } as const;
  runEngineConformance({
    name: 'triton over HTTP',
    open: tritonFixture('triton-conformance-http', { http: true }),
    skip: overHttp,
  });
  runEngineConformance({
    name: 'triton over HTTP with system shared memory',
    open: tritonFixture('triton-conformance-http-shm', { http: true, sharedMemory: 'system' }),
    skip: overHttp,
  });
  // The same cases with input tensors through /dev/shm (SystemSharedMemoryRegister).
  runEngineConformance({
    name: 'triton with system shared memory',
    open: tritonFixture('triton-conformance-shm', { sharedMemory: 'system' }),
  });
}
