import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { createTestEnvironment, fixturesDir } from '../test/helpers/test-service.js';
await (async () => {
  const env = await createTestEnvironment('pglite', ['diff_detector']);
  const s = await env.start({ worker: false });
  const onnx = await readFile(path.join(fixturesDir, 'diff_detector', '1', 'model.onnx'));
  const configText = (await readFile(path.join(fixturesDir, 'diff_detector', 'config.pbtxt'), 'utf8')).replace('name: "diff_detector"', 'name: "diff_copy"');
  const data = new FormData();
  data.append('name', 'diff_copy');
  data.append('model', new Blob([onnx]), 'model.onnx');
  data.append('config', new Blob([configText]), 'config.pbtxt');
  const r = await s.app.request('/api/v1/models/deploy', { method: 'POST', body: data });
  console.log(r.status, await r.text());
  await s.stop(); await env.dispose();
})();
