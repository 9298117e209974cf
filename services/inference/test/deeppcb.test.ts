/**
 * The "done when": a predict on a real DeepPCB pair with the shipped
 * pcb_defect_detector returns the defects, and they can be read back by id. Runs only when the
 * dataset is beside the project (../shared/datasets/deeppcb) and the model file is present.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDeepPcbAnnotations } from '@chipq/core/evaluation';
import { defaultVersion, parseModelConfig } from '@chipq/core/model-repository';
import { iou } from '@chipq/core/postprocess';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/observability/logger.js';
import { type RunningService, startService } from '../src/start-service.js';
import { body, form } from './helpers/http.js';
import { tempDir } from './helpers/temp-dir.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dataset = path.join(root, '..', 'shared', 'datasets', 'deeppcb', 'trainval');
const models = path.join(root, 'models');
const present =
  existsSync(dataset) && existsSync(path.join(models, 'pcb_defect_detector', '1', 'model.onnx'));
if (!present)
  console.warn(`[chipq] DeepPCB service test skipped: needs ${dataset} and models/pcb_defect_detector`);

describe.skipIf(!present)('predict on a real DeepPCB pair with pcb_defect_detector', () => {
  let service: RunningService;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  // A held-out pair (models/training/split.json lists the validation ids).
  let id: string;

  beforeAll(async () => {
    const split = JSON.parse(await readFile(path.join(models, 'training', 'split.json'), 'utf8')) as {
      val: string[];
    };
    id = split.val[0] as string;
    dir = await tempDir();
    // The shipped repository is only read here: nothing is deployed or written to it.
    const config = loadConfig({ MODEL_REPOSITORY: models, DATA_DIR: path.join(dir.path, 'data') }, dir.path);
    service = await startService({ config, logger: createLogger('silent'), worker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await dir?.remove();
  });

  it('finds the annotated defects and reads them back by id', async () => {
    const [image, reference, annotations] = await Promise.all([
      readFile(path.join(dataset, `${id}_test.jpg`)),
      readFile(path.join(dataset, `${id}_temp.jpg`)),
      readFile(path.join(dataset, `${id}.txt`), 'utf8'),
    ]);
    const truth = parseDeepPcbAnnotations(annotations);
    const response = await service.app.request('/api/v1/inference/predict', {
      method: 'POST',
      body: form({
        image: new Uint8Array(image),
        reference: new Uint8Array(reference),
        lot_id: `deeppcb-${id}`,
      }),
    });
    expect(response.status).toBe(200);
    const result = await body(response);
    expect(result).toMatchObject({
      status: 'completed',
      model: { name: 'pcb_defect_detector' },
      image: { width: 640, height: 640, format: 'jpeg' },
    });
    expect(result.verdict.status).toBe('FAIL');
    // Most annotated defects are found (IoU >= 0.5 with some detection); the model's own quality
    // is measured by `pnpm eval:deeppcb`, this only shows the service carries it through.
    const found = truth.filter((t) =>
      result.detections.some((d: { box: typeof t.box }) => iou(d.box, t.box) >= 0.5),
    );
    expect(found.length).toBeGreaterThanOrEqual(Math.ceil(truth.length / 2));
    const read = await body(await service.app.request(`/api/v1/inference/${result.id}`));
    expect(read).toEqual(result);
  });

  it("serves the config's default version to requests naming none, and shows it", async () => {
    const configText = await readFile(path.join(models, 'pcb_defect_detector', 'config.pbtxt'), 'utf8');
    const configured = defaultVersion(parseModelConfig(configText, { file: 'config.pbtxt' }));
    expect(configured, 'models/pcb_defect_detector/config.pbtxt names chipq.default_version').toBeDefined();
    const detail = await body(await service.app.request('/api/v1/models/pcb_defect_detector'));
    expect(detail.default_version).toBe(configured);
    const response = await service.app.request('/api/v1/inference/predict', {
      method: 'POST',
      body: form({
        image: new Uint8Array(await readFile(path.join(dataset, `${id}_test.jpg`))),
        reference: new Uint8Array(await readFile(path.join(dataset, `${id}_temp.jpg`))),
      }),
    });
    expect((await body(response)).model).toEqual({ name: 'pcb_defect_detector', version: configured });
  });
});
