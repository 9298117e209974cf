/**
 * Writes openapi/openapi.json (at the repository root) from the running app's /openapi.json:
 * `pnpm openapi:write`. The app is started for real (embedded PGlite, an empty model
 * repository) in a temporary folder, so the file is exactly what the service serves.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/observability/logger.js';
import { startService } from '../src/start-service.js';

const target = fileURLToPath(new URL('../../../openapi/openapi.json', import.meta.url));

const dir = await mkdtemp(path.join(os.tmpdir(), 'chipq-openapi-'));
try {
  await mkdir(path.join(dir, 'models'));
  const config = loadConfig({ MODEL_REPOSITORY: 'models', DATA_DIR: 'data' }, dir);
  const service = await startService({ config, logger: createLogger('silent'), worker: false });
  try {
    const response = await service.app.request('/openapi.json');
    const document = await response.json();
    await writeFile(target, `${JSON.stringify(document, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), target)}`);
  } finally {
    await service.stop();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
