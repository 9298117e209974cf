// Core's smoke test, run by other runtimes (Bun, Deno): the embedded engine inspects one pair
// with the fixture model and prints the verdict as JSON. Argument: the repository root.
import { readFile } from 'node:fs/promises';

const root = process.argv[2];
const { createInspector } = await import(`${root}/packages/core/dist/index.js`);
const inspector = await createInspector({
  models: `${root}/test/fixtures/models`,
  loadModels: ['diff_detector'],
});
const png = await readFile(`${root}/docs/images/console-models.png`);
const result = await inspector.inspect({ image: png, reference: png });
console.log(JSON.stringify({ model: result.model, verdict: result.verdict.status }));
await inspector.close();
