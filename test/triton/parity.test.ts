/**
 * Parity: the same image pairs through the embedded ONNX Runtime engine and through Triton give
 * the same detections — same classes and boxes, confidences within 1e-4 — and the same verdicts,
 * with the one inspector pipeline (preprocessing, postprocessing) on top of either engine. Runs
 * on the shipped models/pcb_defect_detector with DeepPCB pairs when ../shared has them, else
 * synthetic pairs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../packages/core/src/engine/engine.js';
import { createTritonEngine } from '../../packages/core/src/engine/triton/triton-engine.js';
import { createInspector, type Inspector } from '../../packages/core/src/inspector/create-inspector.js';
import type { InspectionResult } from '../../packages/core/src/inspector/inspection-result.js';
import type { Box } from '../../packages/core/src/preprocess/image-transform.js';
import { type ImagePair, loadBenchPairs } from '../bench/bench-inputs.js';
import { startTritonServer, type TritonServer, tritonAvailability } from './support/triton-server.js';

const root = join(import.meta.dirname, '../..');
const models = join(root, 'models');
const model = 'pcb_defect_detector';
const availability = await tritonAvailability();
const reason = !availability.available
  ? availability.reason
  : existsSync(join(models, model, 'config.pbtxt'))
    ? undefined
    : `no ${model} in models/`;

/** Detections in a comparable order (confidence, then position), confidences kept apart for the tolerance check. */
function comparable(result: InspectionResult) {
  const all = [...result.detections, ...result.review].sort(
    (a, b) => b.confidence - a.confidence || a.box.x1 - b.box.x1 || a.box.y1 - b.box.y1,
  );
  return {
    shape: all.map((d) => ({ className: d.className, box: roundBox(d.box) })),
    confidences: all.map((d) => d.confidence),
    verdict: result.verdict.status,
    model: result.model,
  };
}

function roundBox(box: Box) {
  // Boxes come from the same floats as the scores: compare them to a tenth of a pixel.
  const tenth = (value: number) => Math.round(value * 10);
  return { x1: tenth(box.x1), y1: tenth(box.y1), x2: tenth(box.x2), y2: tenth(box.y2) };
}

(reason ? describe.skip : describe)(
  reason ? `parity (skipped: ${reason})` : 'parity: embedded engine vs Triton',
  () => {
    let server: TritonServer;
    let triton: Engine;
    let onTriton: Inspector;
    let embedded: Inspector;
    let pairs: ImagePair[];

    beforeAll(async () => {
      server = await startTritonServer({ source: models, name: 'triton-parity', loadModels: [model] });
      triton = await createTritonEngine({ url: server.grpcUrl });
      onTriton = await createInspector({ models, engine: triton, loadModels: [] });
      embedded = await createInspector({ models, loadModels: [model] });
      ({ pairs } = await loadBenchPairs(6));
    });
    afterAll(async () => {
      await embedded?.close();
      await onTriton?.close();
      await triton?.close();
      await server?.stop();
    });

    it.each(['1', '3'])('version %s gives the same detections on both engines', async (version) => {
      let compared = 0;
      for (const pair of pairs) {
        const request = {
          image: pair.image,
          reference: pair.reference,
          model,
          version,
          confidenceThreshold: 0.05,
        };
        const [a, b] = await Promise.all([embedded.inspect(request), onTriton.inspect(request)]);
        const [left, right] = [comparable(a), comparable(b)];
        expect({ id: pair.id, ...right, confidences: undefined }).toEqual({
          id: pair.id,
          ...left,
          confidences: undefined,
        });
        const gaps = left.confidences.map((c, i) => Math.abs(c - (right.confidences[i] ?? Number.NaN)));
        expect(Math.max(0, ...gaps)).toBeLessThanOrEqual(1e-4);
        compared += gaps.length;
      }
      // The pairs must give something to compare, or the test proves nothing.
      expect(compared).toBeGreaterThan(0);
    });
  },
);
