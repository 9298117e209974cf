/**
 * Issue 12's "done when" for control charts, on real images through the real service: a steady
 * stream of DeepPCB pairs (boards in a fixed shuffled order, so the baseline and the stream
 * that follows come from the same line) raises no anomaly; the same boards photographed darker
 * (sharp, half the brightness: a failing light) raise a control-chart anomaly, seen as the
 * metric the alert rules query, one "anomaly detected" log line and in the anomalies report.
 * Sequential predicts: the charts see the images in one order, so every run is the same.
 * Runs only when the dataset and the shipped model are present.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
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
  existsSync(dataset) && existsSync(path.join(models, 'pcb_defect_detector', '3', 'model.onnx'));
if (!present)
  console.warn(
    `[chipq] control-chart test on DeepPCB skipped: needs ${dataset} and models/pcb_defect_detector/3/model.onnx`,
  );

const baselineImages = 200;
const subgroupSize = 10;
const steadyImages = 120;
const driftedImages = 60;

/** Fisher-Yates with mulberry32: the same order every run. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe.skipIf(!present)('control charts on a stream of real DeepPCB pairs', () => {
  let service: RunningService;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const lines: string[] = [];
  let ids: string[];
  const logRecords = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const detected = () => logRecords().filter((r) => r.message === 'anomaly detected');

  async function predict(id: string, darken: boolean): Promise<void> {
    const [test, reference] = await Promise.all([
      readFile(path.join(dataset, `${id}_test.jpg`)),
      readFile(path.join(dataset, `${id}_temp.jpg`)),
    ]);
    const image = darken ? await sharp(test).linear(0.5, 0).jpeg({ quality: 95 }).toBuffer() : test;
    const response = await service.app.request('/api/v1/inference/predict', {
      method: 'POST',
      body: form({
        image: new Uint8Array(image),
        reference: new Uint8Array(reference),
        lot_id: `chart-${id}`,
      }),
    });
    expect(response.status, `predict ${id}`).toBe(200);
  }

  const report = async () =>
    body(await service.app.request('/api/v1/monitoring/models/pcb_defect_detector/anomalies'));
  const activeSeries = async () =>
    (await (await service.app.request('/metrics')).text())
      .split('\n')
      .filter((l) => l.startsWith('chipq_anomaly_active{'));

  beforeAll(async () => {
    const names = await readdir(dataset);
    const all = names.filter((n) => n.endsWith('_test.jpg')).map((n) => n.slice(0, -'_test.jpg'.length));
    ids = shuffled(all.sort(), 12).slice(0, baselineImages + steadyImages + driftedImages);
    dir = await tempDir();
    const config = loadConfig(
      {
        MODEL_REPOSITORY: models,
        DATA_DIR: path.join(dir.path, 'data'),
        ANOMALY_BASELINE_IMAGES: String(baselineImages),
        ANOMALY_SUBGROUP_SIZE: String(subgroupSize),
        ANOMALY_DRIFT_WINDOW: '100',
      },
      dir.path,
    );
    const logger = createLogger('info', {}, { write: (line: string) => lines.push(line) });
    service = await startService({ config, logger, worker: false });
  }, 300_000);
  afterAll(async () => {
    await service?.stop();
    await dir?.remove();
  });

  it('a steady stream learns its baseline and then raises nothing', async () => {
    for (const id of ids.slice(0, baselineImages + steadyImages)) await predict(id, false);
    const [charts] = (await report()).control_charts;
    expect(charts).toMatchObject({
      model_version: '3',
      phase: 'monitoring',
      images: baselineImages + steadyImages,
    });
    expect(charts.charts.map((c: { chart: string; status: string }) => [c.chart, c.status])).toEqual([
      ['defect_rate', 'in_control'],
      ['mean_confidence', 'in_control'],
      ['confidence_drift', 'in_control'],
      ['class_mix_drift', 'in_control'],
    ]);
    expect(charts.charts.find((c: { chart: string }) => c.chart === 'mean_confidence').points).toBe(
      steadyImages / subgroupSize,
    );
    expect(detected()).toEqual([]);
    const active = await activeSeries();
    expect(active).toHaveLength(4);
    expect(active.every((l) => l.endsWith(' 0'))).toBe(true);
  }, 600_000);

  it('the same line photographed darker raises a control-chart anomaly: metric, log line, report', async () => {
    for (const id of ids.slice(baselineImages + steadyImages)) await predict(id, true);
    const raised = detected();
    expect(raised.map((r) => r.chart)).toContain('mean_confidence');
    // The darker images also move the confidence distribution against the baseline's deciles.
    expect(raised.map((r) => r.chart)).toContain('confidence_drift');
    expect(raised[0]).toMatchObject({ level: 'warn', model_name: 'pcb_defect_detector', model_version: '3' });
    expect(await activeSeries()).toContain(
      'chipq_anomaly_active{model_name="pcb_defect_detector",model_version="3",chart="mean_confidence"} 1',
    );
    const meanConfidence = (await report()).control_charts[0].charts.find(
      (c: { chart: string }) => c.chart === 'mean_confidence',
    );
    expect(meanConfidence.status).toBe('out_of_control');
    expect(meanConfidence.observed).toBeLessThan(meanConfidence.baseline);
  }, 600_000);
});
