/**
 * Core runs on Bun and Deno as well as Node: the embedded engine (worker threads, onnxruntime-node)
 * loads the fixture model and inspects a pair. The runtimes come from the npm registry via
 * scripts/runtimes/install.sh (.ci/run calls it); without them the test skips with that hint,
 * except in CI where a missing runtime fails.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const script = join(root, 'test/integration/support/core-smoke.mjs');
const runtimes: Array<[string, string[]]> = [
  ['bun', [script, root]],
  ['deno', ['run', '-A', script, root]],
];

describe.each(runtimes)('core on %s', (name, args) => {
  const binary = join(root, '.runtimes/node_modules/.bin', name);
  const present = existsSync(binary) || Boolean(process.env.CI);
  it.skipIf(!present)(
    `inspects a pair on the embedded engine (skips without ${name}: run scripts/runtimes/install.sh)`,
    async () => {
      const { stdout } = await promisify(execFile)(binary, args, { timeout: 120_000, cwd: root });
      expect(JSON.parse(stdout.trim().split('\n').at(-1) as string)).toEqual({
        model: { name: 'diff_detector', version: '1' },
        verdict: 'PASS',
      });
    },
  );
});
