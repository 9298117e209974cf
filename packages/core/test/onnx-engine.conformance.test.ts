/**
 * The engine conformance suite against the embedded engine, over the fixture repository: a new
 * engine per case. The suite checks behaviour, not speed, on shared CPUs: one intra-op thread per
 * session, and a default deadline (`conformanceTimeoutMs`) that a starved CI core cannot reach.
 */

import { createOnnxEngine } from '../src/engine/onnx/onnx-engine.js';
import { conformanceTimeoutMs } from './support/conformance/conformance-context.js';
import { runEngineConformance } from './support/conformance/engine-conformance.js';

runEngineConformance({
  name: 'onnx',
  open: async ({ repository }) => ({
    createEngine: () =>
      createOnnxEngine({
        repository,
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        defaultTimeoutMs: conformanceTimeoutMs,
      }),
    queuedRequests: async (engine, model) => engine.queueDepths?.().get(model) ?? 0,
  }),
});
