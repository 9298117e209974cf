/**
 * The real service on its embedded defaults (ONNX Runtime on the repository's models/, PGlite
 * in a temporary DATA_DIR) listening on 127.0.0.1 at a free port, as `pnpm start` runs it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../services/inference/src/config/load-config.js';
import { type Listening, listen } from '../../../services/inference/src/listen.js';
import { createLogger } from '../../../services/inference/src/observability/logger.js';
import { type RunningService, startService } from '../../../services/inference/src/start-service.js';

export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServedConsole {
  url: string;
  service: RunningService;
  stop(): Promise<void>;
}

export async function serveConsole(env: Record<string, string> = {}): Promise<ServedConsole> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chipq-console-'));
  const config = loadConfig(
    { MODEL_REPOSITORY: path.join(repositoryRoot, 'models'), DATA_DIR: path.join(dir, 'data'), ...env },
    dir,
  );
  const service = await startService({ config, logger: createLogger('silent') });
  let http: Listening | undefined;
  try {
    http = await listen(service.app.fetch, { port: 0, hostname: '127.0.0.1' });
  } catch (error) {
    await service.stop();
    throw error;
  }
  return {
    url: http.url,
    service,
    async stop() {
      await http?.close(2_000);
      await service.stop({ drainMs: 1_000 });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
