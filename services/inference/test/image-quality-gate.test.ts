/**
 * Issue 10 item 3, the image-quality gate, through the service on the shipped
 * pcb_defect_detector: an image below the model's minimum size is a 422 IMAGE_TOO_SMALL (stored
 * as a failed inspection, like every failure); blank, saturated and unregistered pairs are
 * REVIEW with rule `image-quality` and the reason recorded, never PASS; a real DeepPCB pair is
 * judged by the model as before. Before the gate, the 1x1 and all-black pairs answered PASS.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/observability/logger.js';
import { type RunningService, startService } from '../src/start-service.js';
import { body, form } from './helpers/http.js';
import { greyPng } from './helpers/png.js';
import { tempDir } from './helpers/temp-dir.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dataset = path.join(root, '..', 'shared', 'datasets', 'deeppcb', 'trainval');
const models = path.join(root, 'models');
const present =
  existsSync(dataset) && existsSync(path.join(models, 'pcb_defect_detector', '1', 'model.onnx'));
if (!present)
  console.warn(`[chipq] image-quality gate test skipped: needs ${dataset} and models/pcb_defect_detector`);

const flat = async (size: number, value: number) => greyPng(size, size, () => value);
const read = async (file: string) => new Uint8Array(await readFile(path.join(dataset, file)));

describe.skipIf(!present)('the image-quality gate on pcb_defect_detector', () => {
  let service: RunningService;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const predict = (image: Uint8Array, reference: Uint8Array) =>
    service.app.request('/api/v1/inference/predict', {
      method: 'POST',
      body: form({ image, reference, model: 'pcb_defect_detector' }),
    });

  beforeAll(async () => {
    dir = await tempDir();
    // The shipped repository is only read here.
    const config = loadConfig({ MODEL_REPOSITORY: models, DATA_DIR: path.join(dir.path, 'data') }, dir.path);
    service = await startService({ config, logger: createLogger('silent'), worker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await dir?.remove();
  });

  it('answers a 1x1 pair with 422 IMAGE_TOO_SMALL and stores the failure', async () => {
    const pixel = new Uint8Array(await flat(1, 0));
    const response = await predict(pixel, pixel);
    const problem = await body(response);
    expect(response.status, JSON.stringify(problem)).toBe(422);
    expect(problem).toMatchObject({ code: 'IMAGE_TOO_SMALL', details: { width: 1, height: 1, min: 160 } });
    const stored = await body(await service.app.request(`/api/v1/inference/${problem.details.inference_id}`));
    expect(stored).toMatchObject({ status: 'failed', error: { code: 'IMAGE_TOO_SMALL' } });
  });

  it.each([
    ['an all-black pair', () => flat(640, 0), () => flat(640, 0), /blank \(dark\)/],
    ['an all-white pair', () => flat(640, 255), () => flat(640, 255), /saturated \(bright\)/],
    ['a flat grey pair', () => flat(640, 128), () => flat(640, 128), /without contrast/],
    [
      'a board with an all-black reference',
      () => read('00041000_test.jpg'),
      () => flat(640, 0),
      /reference is uniform/,
    ],
    // Another board group's template: the model sees "defects" everywhere; a person must look.
    [
      'a board with the reference of another group',
      () => read('00041000_test.jpg'),
      () => read('13000000_temp.jpg'),
      /does not match/,
    ],
  ])('sends %s to REVIEW with rule image-quality', async (_name, image, reference, reason) => {
    const response = await predict(new Uint8Array(await image()), new Uint8Array(await reference()));
    const result = await body(response);
    expect(response.status, JSON.stringify(result)).toBe(200);
    expect(result.verdict).toMatchObject({ status: 'REVIEW', rule: 'image-quality' });
    expect(result.verdict.reason).toMatch(reason);
    const stored = await body(await service.app.request(`/api/v1/inference/${result.id}`));
    expect(stored.verdict).toEqual(result.verdict);
  });

  it('lets a real pair through to the model', async () => {
    const response = await predict(await read('00041000_test.jpg'), await read('00041000_temp.jpg'));
    const result = await body(response);
    expect(response.status).toBe(200);
    expect(result.verdict.rule).not.toBe('image-quality');
    expect(result.verdict.status).toBe('FAIL');
  });
});
