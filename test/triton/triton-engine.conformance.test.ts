/**
 * The engine conformance suite (packages/core/test/support/conformance/engine-conformance.ts) against a real
 * Triton serving the fixture repository through the Python backend: the same cases, the same
 * expected answers as the embedded engine — once with tensors in the gRPC messages, once through
 * system shared memory.
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
