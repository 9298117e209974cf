/**
 * The engine conformance suite (packages/core/test/support/conformance/engine-conformance.ts) against a real
 * Triton serving the fixture repository through the Python backend: the same cases, the same
 * expected answers as the embedded engine — with tensors in the gRPC messages, over Triton's
 * HTTP/REST protocol with binary tensors (the default transport when Triton's HTTP URL is known),
 * and through system shared memory on either transport.
 */
import { describe } from 'vitest';
import { createTritonEngine } from '../../packages/core/src/engine/triton/triton-engine.js';
import { runEngineConformance } from '../../packages/core/test/support/conformance/engine-conformance.js';
import { startTritonServer, tritonAvailability } from './support/triton-server.js';

const availability = await tritonAvailability();

if (!availability.available) {
  describe.skip(`engine conformance: triton (skipped: ${availability.reason})`, () => {});
} else {
  runEngineConformance({
    name: 'triton',
    createEngine: async () => {
      const server = await startTritonServer({ name: 'triton-conformance' });
      const engine = await createTritonEngine({ url: server.grpcUrl });
      return { engine, cleanup: () => server.stop() };
    },
  });
  // Inferences over HTTP/REST with binary tensors (the control plane stays on gRPC).
  runEngineConformance({
    name: 'triton over HTTP',
    createEngine: async () => {
      const server = await startTritonServer({ name: 'triton-conformance-http' });
      const engine = await createTritonEngine({
        url: server.grpcUrl,
        httpUrl: `http://127.0.0.1:${server.httpPort}`,
      });
      return { engine, cleanup: () => server.stop() };
    },
    skip: {
      'cancel a queued request':
        'over HTTP Triton cannot dequeue a request it received (closing the connection does not cancel it): the caller gets CANCELLED at once, but the model still runs it',
    },
  });
  runEngineConformance({
    name: 'triton over HTTP with system shared memory',
    createEngine: async () => {
      const server = await startTritonServer({ name: 'triton-conformance-http-shm' });
      const engine = await createTritonEngine({
        url: server.grpcUrl,
        httpUrl: `http://127.0.0.1:${server.httpPort}`,
        sharedMemory: 'system',
      });
      return { engine, cleanup: () => server.stop() };
    },
    skip: {
      'cancel a queued request':
        'over HTTP Triton cannot dequeue a request it received (closing the connection does not cancel it): the caller gets CANCELLED at once, but the model still runs it',
    },
  });
  // The same cases with input tensors through /dev/shm (SystemSharedMemoryRegister).
  runEngineConformance({
    name: 'triton with system shared memory',
    createEngine: async () => {
      const server = await startTritonServer({ name: 'triton-conformance-shm' });
      const engine = await createTritonEngine({ url: server.grpcUrl, sharedMemory: 'system' });
      return { engine, cleanup: () => server.stop() };
    },
  });
}
