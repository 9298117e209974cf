/**
 * Runs one ONNX detector (pcb_defect_detector's inputs and outputs) with onnxruntime-node on raw
 * pairs and prints its outputs as JSON. Plain JavaScript on purpose: the model acceptance test
 * starts it under `qemu-x86_64 -cpu Haswell` (an emulated AVX2 CPU without VNNI), where every
 * instruction is emulated and a TypeScript loader would cost minutes.
 *
 * Usage: node run-onnx-model.mjs <model.onnx> <pairs.raw> <count>
 *   pairs.raw: <count> pairs of uint8 640x640 planes, tested image then template.
 * Prints: [{ scores: number[], classes: number[], boxes: number[][] }, ...], one per pair.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// onnxruntime-node is @chipq/core's dependency, so resolve it from there.
const require = createRequire(new URL('../../../packages/core/package.json', import.meta.url));
const ort = require('onnxruntime-node');

const [modelPath, pairsPath, countText] = process.argv.slice(2);
const count = Number(countText);
const side = 640;
const plane = side * side;
const raw = readFileSync(pairsPath);
if (!modelPath || !(count > 0) || raw.length !== count * 2 * plane) {
  console.error(
    'usage: node run-onnx-model.mjs <model.onnx> <pairs.raw> <count> (count pairs of 2 uint8 640x640 planes)',
  );
  process.exit(2);
}
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
const results = [];
for (let i = 0; i < count; i++) {
  const at = (k) => new Uint8Array(raw.buffer, raw.byteOffset + (2 * i + k) * plane, plane);
  const out = await session.run({
    image: new ort.Tensor('uint8', at(0), [1, 1, side, side]),
    reference: new ort.Tensor('uint8', at(1), [1, 1, side, side]),
  });
  const scores = Array.from(out.scores.data);
  const boxes = Array.from({ length: scores.length }, (_, j) =>
    Array.from(out.boxes.data.slice(4 * j, 4 * j + 4)),
  );
  results.push({ scores, classes: Array.from(out.classes.data), boxes });
}
process.stdout.write(JSON.stringify(results));
