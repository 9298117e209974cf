/**
 * The engine conformance suite against the embedded engine, over the fixture repository: a new
 * engine per case. One intra-op thread per session: the suite checks behaviour, not speed, on
 * shared CPUs.
 */

import { createOnnxEngine } from '../src/engine/onnx/onnx-engine.js';
import { runEngineConformance } from './support/conformance/engine-conformance.js';

runEngineConformance({
  name: 'onnx',
  open: async ({ repository }) => ({
    createEngine: () => createOnnxEngine({ repository, intraOpNumThreads: 1, interOpNumThreads: 1 }),
    queuedRequests: async (engine, model) => engine.queueDepths?.().get(model) ?? 0,
  }),
});
