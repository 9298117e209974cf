/**
 * The built `chipq` binary (packages/cli/dist/cli.js) run as a child process, as users run it:
 * embedded inspections of generated diff_detector pairs (JSONL, CSV, overlays, exit codes),
 * a manifest, usage errors, server mode and the server commands against a service on a real
 * port, and DeepPCB pairs with the real model when the dataset is present.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listening, listen } from '../../services/inference/src/listen.js';
import type { RunningService } from '../../services/inference/src/start-service.js';
import { form } from '../../services/inference/test/helpers/http.js';
import { blank, topLeftDefect } from '../../services/inference/test/helpers/png.js';
import { tempDir } from '../../services/inference/test/helpers/temp-dir.js';
import {
  createTestEnvironment,
  type TestEnvironment,
  testAdminKey,
} from '../../services/inference/test/helpers/test-service.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(root, 'packages/cli/dist/cli.js');
const fixtures = path.join(root, 'test/fixtures/models');
const deeppcb = '/work/shared/datasets/deeppcb/trainval';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the binary asynchronously (the service under test lives in this process's event loop). */
function chipq(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd, env: { ...process.env, ...env }, maxBuffer: 32 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A 64x64 grey PNG: white in the top-left quadrant when `defect`, else black. */
function grey(defect: boolean): Promise<Buffer> {
  const pixels = Buffer.alloc(64 * 64);
  if (defect) for (let y = 0; y < 32; y++) pixels.fill(255, y * 64, y * 64 + 32);
  return sharp(pixels, { raw: { width: 64, height: 64, channels: 1 } })
    .png()
    .toBuffer();
}

/** Writes `<name>_test.png` / `<name>_temp.png` pairs under `dir/lot`. */
async function writePairs(dir: string, pairs: Record<string, boolean>): Promise<void> {
  await mkdir(path.join(dir, 'lot'), { recursive: true });
  for (const [name, defect] of Object.entries(pairs)) {
    await writeFile(path.join(dir, 'lot', `${name}_test.png`), await grey(defect));
    await writeFile(path.join(dir, 'lot', `${name}_temp.png`), await grey(false));
  }
}

const jsonl = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

beforeAll(() => {
  if (!existsSync(cli))
    throw new Error(`${cli} is missing: run \`pnpm build\` (or pnpm --filter @chipq/cli build) first`);
});

describe('chipq inspect --embedded', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const embedded = ['--embedded', '--models', fixtures, '--model', 'diff_detector'];

  beforeAll(async () => {
    dir = await tempDir('chipq-cli-');
    await writePairs(dir.path, { a: true, b: false, c: true });
  });
  afterAll(() => dir?.remove());

  it('writes JSONL results and overlays, and exits 1 when an image FAILs', async () => {
    const run = await chipq(
      [
        'inspect',
        'lot/*_test.png',
        '--pair',
        '_test:_temp',
        ...embedded,
        '--out',
        'out/results.jsonl',
        '--overlay-dir',
        'overlays',
      ],
      dir.path,
    );
    expect(run.stderr).not.toContain('unexpected');
    expect(run.code).toBe(1);
    const records = jsonl(await readFile(path.join(dir.path, 'out/results.jsonl'), 'utf8'));
    expect(records.map((r) => [r.image, r.reference, r.verdict])).toEqual([
      [path.join('lot', 'a_test.png'), path.join('lot', 'a_temp.png'), 'FAIL'],
      [path.join('lot', 'b_test.png'), path.join('lot', 'b_temp.png'), 'PASS'],
      [path.join('lot', 'c_test.png'), path.join('lot', 'c_temp.png'), 'FAIL'],
    ]);
    expect(records[0].defects).toEqual([
      expect.objectContaining({ class: 'top_left', box: { x1: 0, y1: 0, x2: 32, y2: 32 } }),
    ]);
    expect(records[0].defects[0].confidence).toBeCloseTo(1, 3);
    // The summary: counts per verdict and per defect class, and the rate.
    expect(run.stdout).toMatch(/PASS\s+1/);
    expect(run.stdout).toMatch(/FAIL\s+2/);
    expect(run.stdout).toMatch(/top_left\s+2\s+2/);
    expect(run.stdout).toMatch(/images\/s/);

    const overlays = (await readdir(path.join(dir.path, 'overlays'))).sort();
    expect(overlays).toEqual(['a_test.png', 'b_test.png', 'c_test.png']);
    for (const file of overlays) {
      const meta = await sharp(path.join(dir.path, 'overlays', file)).metadata();
      expect([meta.width, meta.height]).toEqual([64, 64]);
    }
    // Boxes are drawn: the overlay of a FAIL differs from its input.
    const drawn = await sharp(path.join(dir.path, 'overlays/a_test.png')).removeAlpha().raw().toBuffer();
    const input = await sharp(path.join(dir.path, 'lot/a_test.png'))
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer();
    expect(drawn.equals(input)).toBe(false);
  });

  it('writes CSV and exits 0 with --no-fail-exit', async () => {
    const run = await chipq(
      [
        'inspect',
        'lot',
        '--pair',
        '_test:_temp',
        ...embedded,
        '--out',
        'results.csv',
        '--no-fail-exit',
        '-q',
      ],
      dir.path,
    );
    expect(run.code).toBe(0);
    const [header, ...rows] = (await readFile(path.join(dir.path, 'results.csv'), 'utf8'))
      .trim()
      .split(/\r?\n/);
    expect(header?.split(',')).toEqual(expect.arrayContaining(['image', 'reference', 'verdict', 'score']));
    expect(rows).toHaveLength(3);
    expect(rows.filter((row) => row.includes('FAIL'))).toHaveLength(2);
    expect(run.stdout).toBe('');
  });

  it('reads a CSV manifest and keeps its traceability columns', async () => {
    await writeFile(
      path.join(dir.path, 'pairs.csv'),
      'image,reference,lot_id,die_x,recipe\nlot/a_test.png,lot/a_temp.png,LOT-1,4,r7\nlot/b_test.png,lot/b_temp.png,LOT-1,5,r7\n',
    );
    const run = await chipq(
      ['inspect', '--manifest', 'pairs.csv', ...embedded, '--out', '-', '-q'],
      dir.path,
    );
    expect(run.code).toBe(1);
    const records = jsonl(run.stdout);
    expect(records.map((r) => [r.lot_id, r.die_x, r.tags?.recipe, r.verdict])).toEqual([
      ['LOT-1', 4, 'r7', 'FAIL'],
      ['LOT-1', 5, 'r7', 'PASS'],
    ]);
  });

  it('writes the manifest dies as KLARF 1.8 with --klarf (die indices from the manifest)', async () => {
    await writeFile(
      path.join(dir.path, 'dies.csv'),
      'image,reference,lot_id,wafer_id,die_x,die_y,station_id\n' +
        'lot/a_test.png,lot/a_temp.png,LOT-K,W3,4,1,AOI-7\nlot/b_test.png,lot/b_temp.png,LOT-K,W3,5,1,AOI-7\n',
    );
    const run = await chipq(
      [
        'inspect',
        '--manifest',
        'dies.csv',
        ...embedded,
        '--klarf',
        'out.klarf',
        '--pixel-size',
        '2',
        '--out',
        '-',
        '-q',
      ],
      dir.path,
    );
    expect(run.code).toBe(1);
    const records = jsonl(run.stdout);
    const klarf = await readFile(path.join(dir.path, 'out.klarf'), 'utf8');
    expect(klarf).toMatch(/^Record FileRecord "1.8"/);
    expect(klarf).toContain('Record LotRecord "LOT-K"');
    expect(klarf).toContain('Record WaferRecord "W3"');
    expect(klarf).toContain('Field InspectionStationID 3 {"chipq", "chipq-inference", "AOI-7"}');
    // One row per defect of the JSONL, at its manifest die, XREL in micrometres (2 per pixel).
    const rows = [...klarf.matchAll(/^ {10}(\d+ .*);$/gm)].map((m) => (m[1] as string).split(' '));
    const defects = records.flatMap((r) =>
      r.defects.map((d: { box: { x1: number; x2: number } }) => [r.die_x, d]),
    );
    expect(rows).toHaveLength(defects.length);
    expect(rows.length).toBeGreaterThan(0);
    for (const [i, row] of rows.entries()) {
      const [dieX, d] = defects[i] as [number, { box: { x1: number; x2: number } }];
      expect(row.slice(3, 5)).toEqual([String(dieX), '1']);
      expect(Number(row[1])).toBeCloseTo(d.box.x1 + d.box.x2, 1);
    }
    const noDies = await chipq(
      ['inspect', '--manifest', 'pairs.csv', ...embedded, '--klarf', 'x.klarf'],
      dir.path,
    );
    expect(noDies.code).toBe(2);
    expect(noDies.stderr).toContain('--klarf needs wafer_id');
  });

  it.each([
    ['an unknown command', ['frobnicate']],
    ['an unknown option', ['inspect', 'lot', '--colour']],
    ['a bad number', ['inspect', 'lot', '--concurrency', '0']],
    ['no images', ['inspect', '--embedded']],
    ['--manifest with --pair', ['inspect', '--manifest', 'pairs.csv', '--pair', '_test:_temp']],
    ['--klarf without --manifest', ['inspect', 'lot', '--klarf', 'x.klarf']],
  ])('exits 2 on a usage error: %s', async (_name, args) => {
    const run = await chipq(args, dir.path);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^chipq: /);
  });

  it('exits 3 when an image cannot be processed, and says which', async () => {
    await writeFile(path.join(dir.path, 'lot', 'junk_test.png'), 'not an image');
    await writeFile(path.join(dir.path, 'lot', 'junk_temp.png'), await grey(false));
    const run = await chipq(['inspect', 'lot/junk_test.png', '--pair', '_test:_temp', ...embedded], dir.path);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('junk_test.png');
  });

  it('prints help and the version with exit 0', async () => {
    const help = await chipq(['--help'], dir.path);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    const version = await chipq(['--version'], dir.path);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('chipq against a server on a real port', () => {
  let env: TestEnvironment;
  let service: RunningService;
  let server: Listening;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    env = await createTestEnvironment('pglite', ['diff_detector', 'add_sub']);
    service = await env.start();
    server = await listen(service.app.fetch, { port: 0, hostname: '127.0.0.1' });
    dir = await tempDir('chipq-cli-server-');
    await writePairs(dir.path, { a: true, b: false });
  });
  afterAll(async () => {
    await server?.close(1000);
    await service?.stop();
    await env?.dispose();
    await dir?.remove();
  });

  it('inspects through the server and records the stored result ids', async () => {
    const run = await chipq(
      [
        'inspect',
        'lot/*_test.png',
        '--pair',
        '_test:_temp',
        '--server',
        server.url,
        '--model',
        'diff_detector',
        '--out',
        'r.jsonl',
      ],
      dir.path,
    );
    expect(run.stderr).not.toContain('unexpected');
    expect(run.code).toBe(1);
    const records = jsonl(await readFile(path.join(dir.path, 'r.jsonl'), 'utf8'));
    expect(records.map((r) => r.verdict)).toEqual(['FAIL', 'PASS']);
    for (const record of records) {
      const stored = await service.app.request(`/api/v1/inference/${record.result_id}`);
      expect(stored.status).toBe(200);
    }
    expect(run.stdout).toContain(`server ${server.url}`);
  });

  it('uses CHIPQ_SERVER_URL, and exits 4 when the model does not exist', async () => {
    const run = await chipq(['inspect', 'lot', '--pair', '_test:_temp', '--model', 'nope'], dir.path, {
      CHIPQ_SERVER_URL: server.url,
    });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('MODEL_NOT_FOUND');
  });

  it('lists, unloads and loads models, and reports health', async () => {
    const list = await chipq(['models', 'list', '--server', server.url], dir.path);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/diff_detector\s+READY\s+v1 READY\s+newest/);

    const refused = await chipq(['models', 'unload', 'add_sub', '--server', server.url], dir.path);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('UNAUTHENTICATED');
    const admin = ['--server', server.url, '--api-key', testAdminKey];
    const unload = await chipq(['models', 'unload', 'add_sub', ...admin], dir.path);
    expect(unload.code).toBe(0);
    expect(unload.stdout).toContain('add_sub: UNAVAILABLE');
    const load = await chipq(['models', 'load', 'add_sub', '--server', server.url, '--json'], dir.path, {
      CHIPQ_API_KEY: testAdminKey,
    });
    expect(load.code).toBe(0);
    expect(JSON.parse(load.stdout)).toMatchObject({ name: 'add_sub', ready: true });

    const deploy = await chipq(
      [
        'models',
        'deploy',
        'add_sub',
        '--onnx',
        path.join(fixtures, 'add_sub/1/model.onnx'),
        '--no-load',
        ...admin,
      ],
      dir.path,
    );
    expect(deploy.code).toBe(0);
    expect(deploy.stdout).toContain('add_sub v2 deployed; not loaded');

    const promote = await chipq(
      ['models', 'promote', 'diff_detector', '--version', '1', '--reason', 'chosen by QA', ...admin],
      dir.path,
    );
    // diff_detector's only version is its stored default from the start (deploys pin it).
    expect(promote.stderr).toContain('version 1 of model "diff_detector" is already the default');
    expect(promote.code).not.toBe(0);
    const noReason = await chipq(['models', 'rollback', 'diff_detector', ...admin], dir.path);
    expect(noReason.code).toBe(2);
    const rollback = await chipq(
      ['models', 'rollback', 'diff_detector', '--reason', 'undo', ...admin],
      dir.path,
    );
    expect(rollback.stderr).toContain('CONFLICT');

    const health = await chipq(['health', '--server', server.url], dir.path);
    expect(health.code).toBe(0);
    expect(health.stdout).toMatch(/ready true/);
  });

  it('creates, lists and revokes API keys with an admin key', async () => {
    const admin = ['--server', server.url, '--api-key', testAdminKey];
    const created = await chipq(
      ['keys', 'create', '--scope', 'read', '--name', 'dashboard', ...admin],
      dir.path,
    );
    expect(created.code).toBe(0);
    const key = created.stdout.split('\n')[0] as string;
    expect(key).toMatch(/^chipq_[a-z2-7]{8}_/);
    const id = key.split('_')[1] as string;

    const list = await chipq(['keys', 'list', ...admin, '--json'], dir.path);
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(key);
    expect(JSON.parse(list.stdout).keys).toContainEqual(
      expect.objectContaining({ id, name: 'dashboard', scopes: ['read'], revoked_at: null }),
    );
    // The new read key works for reads and is refused for key management (403: exit 2).
    const asReader = await chipq(['keys', 'list', '--server', server.url, '--api-key', key], dir.path);
    expect(asReader.code).toBe(2);
    expect(asReader.stderr).toContain('PERMISSION_DENIED');

    const revoke = await chipq(['keys', 'revoke', id, ...admin], dir.path);
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toContain(`${id} revoked at`);
    const bad = await chipq(['keys', 'create', '--scope', 'root', ...admin], dir.path);
    expect(bad.code).toBe(2);
    // An operator's key: human review and reads, nothing else.
    const reviewer = await chipq(
      ['keys', 'create', '--scope', 'review', '--name', 'operator-1', ...admin, '--json'],
      dir.path,
    );
    expect(reviewer.code).toBe(0);
    expect(JSON.parse(reviewer.stdout)).toMatchObject({ name: 'operator-1', scopes: ['review'] });
  });

  it('lists the review queue and the precision reviews give each version', async () => {
    const predicted = await service.app.request('/api/v1/inference/predict', {
      method: 'POST',
      body: form({
        image: topLeftDefect(),
        reference: blank(),
        model: 'diff_detector',
        lot_id: 'LOT-CLI-REVIEW',
      }),
      headers: { authorization: `Bearer ${testAdminKey}` },
    });
    const result = (await predicted.json()) as { id: string };
    const queue = await chipq(
      ['review', 'queue', '--server', server.url, '--api-key', testAdminKey, '--sample-rate', '1'],
      dir.path,
    );
    expect(queue.code).toBe(0);
    expect(queue.stdout).toMatch(new RegExp(`^${result.id}\\s+sample\\s+FAIL\\s+1\\s`, 'm'));
    const reviewed = await service.app.request(`/api/v1/inference/${result.id}/review`, {
      method: 'POST',
      body: JSON.stringify({ verdict: 'FAIL', defects: [{ index: 0, outcome: 'false_alarm' }] }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testAdminKey}` },
    });
    expect(reviewed.status).toBe(201);
    const quality = await chipq(
      [
        'review',
        'quality',
        '--server',
        server.url,
        '--api-key',
        testAdminKey,
        '--model',
        'diff_detector',
        '--json',
      ],
      dir.path,
    );
    expect(quality.code).toBe(0);
    const total = JSON.parse(quality.stdout).groups[0].total;
    expect(total.false_alarms).toBeGreaterThanOrEqual(1);
    expect(total.precision.value).toBe(total.true_defects / (total.true_defects + total.false_alarms));
    const table = await chipq(
      ['review', 'quality', '--server', server.url, '--api-key', testAdminKey],
      dir.path,
    );
    expect(table.stdout.split('\n')[0]).toMatch(/^model\s+from\s+reviewed\s+true\/false\/missed\s+precision/);
    expect((await chipq(['review', 'nope', '--server', server.url], dir.path)).code).toBe(2);
  });

  it('exits 4 when the server is unreachable and 2 without a server', async () => {
    const down = await chipq(['health', '--server', 'http://127.0.0.1:9'], dir.path);
    expect(down.code).toBe(4);
    const none = await chipq(['models', 'list'], dir.path, { CHIPQ_SERVER_URL: '' });
    expect(none.code).toBe(2);
  });
});

describe.skipIf(!existsSync(deeppcb))('chipq inspect on DeepPCB pairs with pcb_defect_detector', () => {
  it('inspects 3 pairs and writes overlays of the images size', async () => {
    const dir = await tempDir('chipq-cli-deeppcb-');
    try {
      await mkdir(path.join(dir.path, 'pairs'));
      for (const id of ['00041000', '00041001', '00041002']) {
        for (const side of ['test', 'temp'])
          await cp(
            path.join(deeppcb, `${id}_${side}.jpg`),
            path.join(dir.path, 'pairs', `${id}_${side}.jpg`),
          );
      }
      const run = await chipq(
        [
          'inspect',
          'pairs/*_test.jpg',
          '--pair',
          '_test:_temp',
          '--embedded',
          '--models',
          path.join(root, 'models'),
          '--model',
          'pcb_defect_detector',
          '--out',
          'results.jsonl',
          '--overlay-dir',
          'overlays',
        ],
        dir.path,
      );
      expect(run.stderr).not.toContain('unexpected');
      expect([0, 1]).toContain(run.code);
      const records = jsonl(await readFile(path.join(dir.path, 'results.jsonl'), 'utf8'));
      expect(records).toHaveLength(3);
      // Every DeepPCB test image has annotated defects.
      expect(records.every((r) => r.status === 'ok' && r.defects.length > 0)).toBe(true);
      for (const record of records) {
        const meta = await sharp(path.join(dir.path, 'overlays', path.basename(record.image))).metadata();
        expect([meta.width, meta.height]).toEqual([record.width, record.height]);
      }
      console.log(run.stdout.split('\n')[0]);
    } finally {
      await dir.remove();
    }
  });
});
if (!existsSync(deeppcb)) console.warn(`[chipq] DeepPCB CLI test skipped: ${deeppcb} not found`);
