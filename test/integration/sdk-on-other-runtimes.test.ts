/**
 * @chipq/sdk (its built dist, as published) on Bun and Deno against the real service over a real
 * port: predicts a pair with a defect and reads the result back by id. The runtimes come from
 * the npm registry via scripts/runtimes/install.sh (.ci/run calls it); without them the test
 * skips with that hint, except in CI where a missing runtime fails.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listening, listen } from '../../services/inference/src/listen.js';
import type { RunningService } from '../../services/inference/src/start-service.js';
import { blank, topLeftDefect } from '../../services/inference/test/helpers/png.js';
import {
  createTestEnvironment,
  type TestEnvironment,
} from '../../services/inference/test/helpers/test-service.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const script = join(root, 'test/integration/support/sdk-smoke.mjs');
const runtimes: Array<[string, string[]]> = [
  ['bun', [script]],
  ['deno', ['run', '-A', script]],
];

describe('the SDK on other runtimes, against the running service', () => {
  let env: TestEnvironment;
  let service: RunningService;
  let server: Listening;
  let pair: [string, string];

  beforeAll(async () => {
    env = await createTestEnvironment('pglite', ['diff_detector']);
    service = await env.start({ worker: false });
    server = await listen(service.app.fetch, { port: 0, hostname: '127.0.0.1' });
    pair = [join(env.config.dataDir, 'image.png'), join(env.config.dataDir, 'reference.png')];
    await writeFile(pair[0], topLeftDefect());
    await writeFile(pair[1], blank());
  });
  afterAll(async () => {
    await server?.close(1000);
    await service?.stop();
    await env?.dispose();
  });

  for (const [name, args] of runtimes) {
    const binary = join(root, '.runtimes/node_modules/.bin', name);
    const present = existsSync(binary) || Boolean(process.env.CI);
    it.skipIf(!present)(
      `predicts a pair and reads it back on ${name} (skips without ${name}: run scripts/runtimes/install.sh)`,
      async () => {
        const { stdout } = await promisify(execFile)(binary, [...args, root, server.url, ...pair], {
          timeout: 120_000,
          cwd: root,
        });
        expect(JSON.parse(stdout.trim().split('\n').at(-1) as string)).toEqual({
          predicted: { verdict: 'FAIL', defects: ['top_left'] },
          readBack: { id: true, verdict: 'FAIL', lot: 'LOT-RUNTIME' },
        });
      },
    );
  }
});
