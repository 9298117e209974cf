/**
 * The engine conformance suite against the embedded engine, over the fixture repository.
 * One intra-op thread per session: the suite checks behaviour, not speed, on shared CPUs.
 */

import { createOnnxEngine } from '../src/engine/onnx/onnx-engine.js';
import { runEngineConformance } from './support/conformance/engine-conformance.js';

runEngineConformance({
  name: 'onnx',
  createEngine: async ({ repository }) => ({
    engine: await createOnnxEngine({ repository, intraOpNumThreads: 1, interOpNumThreads: 1 }),
  }),
});
