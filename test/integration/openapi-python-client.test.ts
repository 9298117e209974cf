/**
 * The contract as a Python team uses it: a client generated from openapi/openapi.json with
 * openapi-python-client (PyPI, installed by scripts/python-client/install.sh into
 * .python-client/venv) predicts a real pair against the running service over a real port — as
 * files and as base64 JSON — and reads each result back by id. Every generated module must
 * import (two request bodies in one operation once made the predict module fail with
 * `NameError: Unset`). Without the install the test skips with that hint, except in CI.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listening, listen } from '../../services/inference/src/listen.js';
import type { RunningService } from '../../services/inference/src/start-service.js';
import { blank, topLeftDefect } from '../../services/inference/test/helpers/png.js';
import {
  createTestEnvironment,
  type TestEnvironment,
  testAdminKey,
} from '../../services/inference/test/helpers/test-service.js';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const venvBin = join(root, '.python-client/venv/bin');
const installed = existsSync(join(venvBin, 'openapi-python-client'));
if (!installed && process.env.CI)
  throw new Error('openapi-python-client is not installed (.ci/run installs it)');

describe.skipIf(!installed)(
  'a Python client generated from openapi/openapi.json (skips without scripts/python-client/install.sh)',
  () => {
    let env: TestEnvironment;
    let service: RunningService;
    let server: Listening;
    let work: string;
    // The generator's own venv on PATH: it formats the client with the ruff installed there.
    const pythonEnv = () => ({
      ...process.env,
      PATH: `${venvBin}${delimiter}${process.env.PATH}`,
      PYTHONPATH: work,
    });

    beforeAll(async () => {
      env = await createTestEnvironment('pglite', ['diff_detector']);
      service = await env.start({ worker: false });
      server = await listen(service.app.fetch, { port: 0, hostname: '127.0.0.1' });
      work = join(env.config.dataDir, 'python');
      await mkdir(work, { recursive: true });
      await run(
        join(venvBin, 'openapi-python-client'),
        [
          'generate',
          '--path',
          join(root, 'openapi/openapi.json'),
          '--meta',
          'none',
          '--output-path',
          join(work, 'chipq_client'),
        ],
        { env: pythonEnv(), timeout: 540_000 },
      );
      // Generating and formatting a few hundred files takes minutes on a loaded 2-core machine.
    }, 600_000);
    afterAll(async () => {
      await server?.close(1000);
      await service?.stop();
      await env?.dispose();
    });

    it('generates modules that all import', async () => {
      const api = join(work, 'chipq_client/api');
      const modules: string[] = [];
      for (const tag of await readdir(api, { withFileTypes: true }))
        if (tag.isDirectory())
          for (const file of await readdir(join(api, tag.name)))
            if (file.endsWith('.py') && file !== '__init__.py')
              modules.push(`chipq_client.api.${tag.name}.${file.slice(0, -3)}`);
      expect(modules).toEqual(expect.arrayContaining(['chipq_client.api.inference.predict']));
      const { stdout } = await run(
        join(venvBin, 'python'),
        [
          '-c',
          `import importlib\nfor m in ${JSON.stringify(modules)}: importlib.import_module(m)\nprint("imported", ${modules.length})`,
        ],
        { env: pythonEnv(), timeout: 120_000 },
      );
      expect(stdout.trim()).toBe(`imported ${modules.length}`);
    });

    it('predicts a pair as files and as base64 and reads each result back by id', async () => {
      const image = join(work, 'image.png');
      const reference = join(work, 'reference.png');
      await writeFile(image, topLeftDefect());
      await writeFile(reference, blank());
      const { stdout } = await run(
        join(venvBin, 'python'),
        [
          join(root, 'test/integration/support/python-client-smoke.py'),
          server.url,
          testAdminKey,
          image,
          reference,
        ],
        { env: pythonEnv(), timeout: 120_000 },
      );
      const expected = (lot: string) => ({ verdict: 'FAIL', defects: ['top_left'], lot });
      expect(JSON.parse(stdout.trim().split('\n').at(-1) as string)).toEqual({
        files: {
          predicted: expected('LOT-PY-FILES'),
          read_back: { same_id: true, ...expected('LOT-PY-FILES') },
        },
        base64: {
          predicted: expected('LOT-PY-BASE64'),
          read_back: { same_id: true, ...expected('LOT-PY-BASE64') },
        },
      });
    });
  },
);
