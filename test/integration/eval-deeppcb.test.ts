/**
 * `pnpm eval:deeppcb` end to end on a handful of real DeepPCB pairs: the script reads the folder,
 * runs every pair through the embedded engine with the shipped pcb_defect_detector and prints
 * the one summary line. Needs the dataset beside the project (../shared/datasets/deeppcb) and
 * a built @chipq/core (`pnpm test` builds first).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataset = join(root, '..', 'shared', 'datasets', 'deeppcb', 'trainval');
const present = existsSync(dataset);
const run = promisify(execFile);
const SUMMARY =
  /^mAP@0\.33=(\d\.\d{3}) mAP@0\.5=(\d\.\d{3}) F1=(\d\.\d{3}) precision=(\d\.\d{3}) recall=(\d\.\d{3}) images=(\d+) ips=(\d+\.\d)$/;

function evalDeepPcb(...args: string[]) {
  return run(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'scripts', 'eval-deeppcb.ts'), ...args], {
    cwd: root,
    timeout: 110_000,
  });
}

if (!present) console.warn(`eval-deeppcb: skipped, the DeepPCB dataset is not at ${dataset}`);

describe.skipIf(!present)('pnpm eval:deeppcb (DeepPCB pairs from ../shared/datasets/deeppcb)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chipq-eval-deeppcb-'));
    // Five held-out pairs (the model never trained on them), copied so the folder holds only these.
    const split = JSON.parse(await readFile(join(root, 'models', 'training', 'split.json'), 'utf8')) as {
      val: string[];
    };
    for (const id of split.val.slice(0, 5)) {
      for (const file of [`${id}_test.jpg`, `${id}_temp.jpg`, `${id}.txt`])
        await copyFile(join(dataset, file), join(dir, file));
    }
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ends with the summary line and finds the defects of unseen pairs', async () => {
    const { stdout } = await evalDeepPcb(
      '--',
      dir,
      '--version',
      '1',
      '--single-stream',
      '2',
      '--concurrency',
      '4',
      '--split',
      join(root, 'models', 'training', 'split.json'),
    );
    const lines = stdout.trim().split('\n');
    const match = SUMMARY.exec(lines.at(-1) ?? '');
    expect(match, `last line: ${lines.at(-1)}`).not.toBeNull();
    const [, map33, map50, f1, , , images] = match ?? [];
    expect(Number(images)).toBe(5);
    expect(Number(map33)).toBeGreaterThan(0.7);
    expect(Number(map50)).toBeLessThanOrEqual(Number(map33));
    expect(Number(f1)).toBeGreaterThan(0.6);
    expect(stdout).toMatch(/^pin-hole\s+\d+\s+\d\.\d{3}\s+\d\.\d{3}$/m);
  });

  it('fails with a clear message when --groups selects no pair', async () => {
    await expect(evalDeepPcb(dir, '--groups', '12345')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/no pairs of .* are selected by --split\/--groups/),
    });
  });

  it('fails with a clear message on a folder without pairs', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'chipq-eval-empty-'));
    try {
      await expect(evalDeepPcb(empty)).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/INVALID_INPUT.*no DeepPCB pairs/),
      });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
