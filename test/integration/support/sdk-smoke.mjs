// The SDK's smoke test, run by other runtimes (Bun, Deno) against a running service: predicts the
// pair of PNG files given, reads the result back by id and prints both as JSON.
// Arguments: the repository root, the service's base URL, the image file, the reference file.
import { readFile } from 'node:fs/promises';

const [root, baseUrl, imageFile, referenceFile] = process.argv.slice(2);
const { createChipqClient } = await import(`${root}/packages/sdk/dist/index.js`);
const client = createChipqClient({ baseUrl, timeoutMs: 60_000 });
const image = new Blob([await readFile(imageFile)], { type: 'image/png' });
const reference = new Blob([await readFile(referenceFile)], { type: 'image/png' });
const predicted = await client.predict({ image, reference, model: 'diff_detector', lotId: 'LOT-RUNTIME' });
const readBack = await client.getResult(predicted.id);
console.log(
  JSON.stringify({
    predicted: {
      verdict: predicted.verdict?.status,
      defects: predicted.detections.map((d) => d.defect_type),
    },
    readBack: {
      id: readBack.id === predicted.id,
      verdict: readBack.verdict?.status,
      lot: readBack.traceability?.lot_id,
    },
  }),
);
