// The one-call API end to end on real sharp and real ONNX Runtime, with the `diff_detector`
// fixture: each quadrant of a 64x64 grey pair is a "defect" scored mean |image - reference| / 255.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInspector, type Inspector, isChipqError } from '../src/index.js';

const fixtures = resolve(import.meta.dirname, '../../../test/fixtures/models');

/** A grey PNG of `size`, black, with the given quadrants (0..3) filled with `value`. */
async function quadrantPng(
  size: { width: number; height: number },
  quadrants: number[] = [],
  value = 255,
): Promise<Buffer> {
  const { width, height } = size;
  const pixels = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const quadrant = (y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1);
      if (quadrants.includes(quadrant)) pixels[y * width + x] = value;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isChipqError(error)) return error.code;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('createInspector on the embedded engine', () => {
  let inspector: Inspector;
  const square = { width: 128, height: 128 };
  let black: Buffer;

  beforeAll(async () => {
    inspector = await createInspector({ models: fixtures, loadModels: ['diff_detector'] });
    black = await quadrantPng(square);
  });
  afterAll(() => inspector.close());

  it('passes an image identical to its reference, with every stage timed', async () => {
    const result = await inspector.inspect({ image: black, reference: black });
    expect(result.model).toEqual({ name: 'diff_detector', version: '1' });
    expect(result.image).toEqual({ width: 128, height: 128, format: 'png' });
    expect(result.detections).toEqual([]);
    expect(result.verdict).toMatchObject({ status: 'PASS', rule: 'no-defects', score: 1 });
    // Every stage but the queue did work, so it took some time; the total covers the stages.
    const { queueMs, totalMs, ...worked } = result.timings;
    for (const [stage, value] of Object.entries(worked)) expect(value, stage).toBeGreaterThan(0);
    // The embedded engine knows its queue time (Triton reports null).
    expect(queueMs).toBeGreaterThanOrEqual(0);
    const stages = Object.values(worked).reduce((sum, value) => sum + value, queueMs ?? 0);
    expect(totalMs).toBeGreaterThanOrEqual(stages * 0.999);
  });

  it.each([
    [
      'a fully different quadrant fails',
      { quadrants: [1], value: 255, threshold: undefined },
      { status: 'FAIL', rule: 'score-below-pass', defects: ['top_right'], review: 0 },
    ],
    [
      'a quadrant at 0.70 is in the review band',
      { quadrants: [2], value: 179, threshold: undefined },
      { status: 'REVIEW', rule: 'review-band', defects: [], review: 1 },
    ],
    [
      'a lower threshold counts it',
      { quadrants: [2], value: 179, threshold: 0.5 },
      { status: 'FAIL', rule: 'score-below-pass', defects: ['bottom_left'], review: 0 },
    ],
    // Below the review floor a candidate never reaches the verdict.
    [
      'a quadrant at 0.30 is ignored',
      { quadrants: [3], value: 77, threshold: undefined },
      { status: 'PASS', rule: 'no-defects', defects: [], review: 0 },
    ],
  ])('%s', async (_name, given, want) => {
    const image = await quadrantPng(square, given.quadrants, given.value);
    const result = await inspector.inspect({ image, reference: black, confidenceThreshold: given.threshold });
    expect(result.verdict.status).toBe(want.status);
    expect(result.verdict.rule).toBe(want.rule);
    expect(result.detections.map((d) => d.className)).toEqual(want.defects);
    expect(result.review).toHaveLength(want.review);
  });

  it('maps boxes back to the original pixels', async () => {
    const image = await quadrantPng(square, [1]);
    const [defect] = (await inspector.inspect({ image, reference: black })).detections;
    expect(defect).toMatchObject({ classId: 1, className: 'top_right', severity: 'high' });
    // Bilinear downscaling blurs the quadrant's edge a little.
    expect(defect?.confidence).toBeGreaterThan(0.98);
    expect(defect?.box).toEqual({ x1: 64, y1: 0, x2: 128, y2: 64 });
  });

  it('reads images from file paths', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'chipq-inspector-'));
    try {
      await writeFile(join(folder, 'a.png'), await quadrantPng(square, [0]));
      await writeFile(join(folder, 'b.png'), black);
      const result = await inspector.inspect({
        image: join(folder, 'a.png'),
        reference: join(folder, 'b.png'),
      });
      expect(result.detections.map((d) => d.className)).toEqual(['top_left']);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('batches concurrent inspections in the engine', async () => {
    const before = (await inspector.engine.statistics('diff_detector'))[0];
    const image = await quadrantPng(square, [0]);
    const results = await Promise.all(
      Array.from({ length: 16 }, () => inspector.inspect({ image, reference: black })),
    );
    expect(results.every((r) => r.verdict.status === 'FAIL')).toBe(true);
    const after = (await inspector.engine.statistics('diff_detector'))[0];
    const inferences = (after?.inferenceCount ?? 0) - (before?.inferenceCount ?? 0);
    const executions = (after?.executionCount ?? 0) - (before?.executionCount ?? 0);
    expect(inferences).toBe(16);
    expect(executions).toBeLessThan(16);
  });

  it.each([
    ['no reference', async () => ({ image: black }), 'REFERENCE_REQUIRED'],
    [
      'a reference of another size',
      async () => ({ image: black, reference: await quadrantPng({ width: 64, height: 64 }) }),
      'REFERENCE_MISMATCH',
    ],
    [
      'bytes that are no image',
      async () => ({ image: Buffer.from('not an image at all'), reference: black }),
      'UNSUPPORTED_IMAGE',
    ],
    ['an unknown model', async () => ({ image: black, reference: black, model: 'nope' }), 'MODEL_NOT_FOUND'],
    ['an unknown version', async () => ({ image: black, reference: black, version: '9' }), 'MODEL_NOT_FOUND'],
    ['a missing file', async () => ({ image: '/nonexistent/chipq.png', reference: black }), 'INVALID_INPUT'],
    [
      'a threshold above 1',
      async () => ({ image: black, reference: black, confidenceThreshold: 2 }),
      'INVALID_INPUT',
    ],
    [
      'an aborted signal',
      async () => ({ image: black, reference: black, signal: AbortSignal.abort() }),
      'CANCELLED',
    ],
  ])('rejects %s with a stable code', async (_name, request, code) => {
    expect(await codeOf(inspector.inspect(await request()))).toBe(code);
  });

  it('defaults to the one READY model when none is named', () => {
    expect(inspector.defaultModel).toBe('diff_detector');
  });

  it('rejects images above the byte limit before decoding them', async () => {
    const small = await createInspector({
      models: fixtures,
      loadModels: ['diff_detector'],
      preprocess: { maxBytes: 100 },
    });
    try {
      expect(await codeOf(small.inspect({ image: black, reference: black }))).toBe('IMAGE_TOO_LARGE');
    } finally {
      await small.close();
    }
  });
});

describe('createInspector: decodes at once (maxConcurrentDecodes)', () => {
  it('refuses a cap below 1, naming the option', async () => {
    const error = await createInspector({ models: fixtures, loadModels: [], maxConcurrentDecodes: 0 }).catch(
      (e: unknown) => e,
    );
    expect(isChipqError(error) && error.code).toBe('INVALID_INPUT');
    expect(String(error)).toContain('maxConcurrentDecodes');
  });

  it('with one decode at a time, concurrent inspections all finish, and a waiting one can be cancelled', async () => {
    const inspector = await createInspector({
      models: fixtures,
      loadModels: ['diff_detector'],
      maxConcurrentDecodes: 1,
    });
    try {
      const black = await quadrantPng({ width: 64, height: 64 });
      const defect = await quadrantPng({ width: 64, height: 64 }, [0]);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          inspector.inspect({ image: i % 2 ? defect : black, reference: black }),
        ),
      );
      expect(results.map((r) => r.detections.length > 0)).toEqual([
        false,
        true,
        false,
        true,
        false,
        true,
        false,
        true,
      ]);
      // The second waits behind the first for the one decode slot; aborting it answers CANCELLED.
      const controller = new AbortController();
      const first = inspector.inspect({ image: defect, reference: black });
      const second = inspector.inspect({ image: defect, reference: black, signal: controller.signal });
      controller.abort();
      expect(await codeOf(second)).toBe('CANCELLED');
      expect((await first).detections.length).toBeGreaterThan(0);
    } finally {
      await inspector.close();
    }
  });
});

describe('createInspector: the version a request naming none gets', () => {
  let folder: string;
  let black: Buffer;

  /** diff_detector with versions 1 and 2 (the same graph), both served, and the given extra config. */
  async function repository(extra: string): Promise<string> {
    const models = join(folder, `m${Math.random().toString(36).slice(2)}`);
    await cp(join(fixtures, 'diff_detector'), join(models, 'diff_detector'), { recursive: true });
    await cp(join(models, 'diff_detector', '1'), join(models, 'diff_detector', '2'), { recursive: true });
    const config = join(models, 'diff_detector', 'config.pbtxt');
    await writeFile(config, `${await readFile(config, 'utf8')}version_policy: { all { } }\n${extra}`);
    return models;
  }

  async function versionServed(models: string): Promise<string> {
    const inspector = await createInspector({ models, loadModels: ['diff_detector'] });
    try {
      return (await inspector.inspect({ image: black, reference: black })).model.version;
    } finally {
      await inspector.close();
    }
  }

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'chipq-default-version-'));
    black = await quadrantPng({ width: 64, height: 64 });
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('is the newest ready version without chipq.default_version', async () => {
    expect(await versionServed(await repository(''))).toBe('2');
  });

  it("is the config's chipq.default_version when set", async () => {
    const models = await repository(
      'parameters { key: "chipq.default_version" value: { string_value: "1" } }\n',
    );
    expect(await versionServed(models)).toBe('1');
  });

  it('fails with MODEL_CONFIG_INVALID when chipq.default_version is no version number', async () => {
    const models = await repository(
      'parameters { key: "chipq.default_version" value: { string_value: "latest" } }\n',
    );
    const inspector = await createInspector({ models, loadModels: ['diff_detector'] });
    try {
      expect(await codeOf(inspector.inspect({ image: black, reference: black }))).toBe(
        'MODEL_CONFIG_INVALID',
      );
    } finally {
      await inspector.close();
    }
  });
});
