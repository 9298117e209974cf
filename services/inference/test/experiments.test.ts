/**
 * Experiments on real traffic (issue 11, "done when"): versions 1 and 3 of the shipped
 * pcb_defect_detector on held-out DeepPCB pairs sent with lot and wafer ids.
 * - split by wafer: every wafer is served by exactly one arm, and GET /experiments/{id} reports
 *   per-arm figures equal to a count made here from the answers and the stored rows;
 * - shadow: the default (3) answers exactly as it does without the experiment, and version 1's
 *   result is stored for every image, equal to what version 1 answers when asked directly.
 * Runs only when the dataset is beside the project (../shared/datasets/deeppcb).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import { assignArm } from '../src/experiments/assignment.js';
import { quantile } from '../src/experiments/statistics.js';
import { createLogger } from '../src/observability/logger.js';
import { type RunningService, startService } from '../src/start-service.js';
import { body, form } from './helpers/http.js';
import { tempDir } from './helpers/temp-dir.js';
import { adminHeaders, testAdminKey } from './helpers/test-service.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dataset = path.join(root, '..', 'shared', 'datasets', 'deeppcb', 'trainval');
const models = path.join(root, 'models');
const model = 'pcb_defect_detector';
const present =
  existsSync(dataset) &&
  existsSync(path.join(models, model, '1', 'model.onnx')) &&
  existsSync(path.join(models, model, '3', 'model.onnx'));
if (!present) console.warn(`[chipq] experiment tests skipped: need ${dataset} and ${model} versions 1 and 3`);

interface Pair {
  id: string;
  image: Uint8Array;
  reference: Uint8Array;
}

// biome-ignore lint/suspicious/noExplicitAny: test assertions navigate arbitrary JSON
type Json = any;

describe.skipIf(!present)('experiments on pcb_defect_detector versions 1 and 3', () => {
  let service: RunningService;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let pairs: Pair[];

  const request = (p: string, init?: RequestInit) => service.app.request(`/api/v1${p}`, init);
  const admin = (p: string, value: unknown) =>
    request(p, {
      method: 'POST',
      body: JSON.stringify(value),
      headers: { ...adminHeaders, 'content-type': 'application/json' },
    });
  const predict = async (pair: Pair, fields: Record<string, string> = {}): Promise<Json> => {
    const response = await request('/inference/predict', {
      method: 'POST',
      body: form({ image: pair.image, reference: pair.reference, model, ...fields }),
    });
    expect(response.status).toBe(200);
    return body(response);
  };

  beforeAll(async () => {
    const split = JSON.parse(await readFile(path.join(models, 'training', 'split.json'), 'utf8')) as {
      val: string[];
    };
    pairs = await Promise.all(
      split.val.slice(0, 24).map(async (id) => ({
        id,
        image: new Uint8Array(await readFile(path.join(dataset, `${id}_test.jpg`))),
        reference: new Uint8Array(await readFile(path.join(dataset, `${id}_temp.jpg`))),
      })),
    );
    dir = await tempDir();
    // The shipped repository is only read: nothing is deployed or written to it.
    const config = loadConfig(
      { MODEL_REPOSITORY: models, DATA_DIR: path.join(dir.path, 'data'), CHIPQ_ADMIN_KEY: testAdminKey },
      dir.path,
    );
    service = await startService({ config, logger: createLogger('silent'), worker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await dir?.remove();
  });

  it('split by wafer: one arm per wafer, figures equal to an independent count', async () => {
    const created = await admin('/experiments', {
      model,
      mode: 'split',
      unit: 'wafer_id',
      arms: [
        { name: 'v3', version: '3', weight: 50 },
        { name: 'v1', version: '1', weight: 50 },
      ],
    });
    expect(created.status).toBe(201);
    const experiment = await body(created);
    expect(experiment).toMatchObject({ status: 'running', mode: 'split', unit: 'wafer_id' });

    // Wafer ids chosen so that both arms get three wafers (the hash is salted by the experiment
    // id, which is random): the check below is on what was stored, not on this choice.
    const wafers: string[] = [];
    const perArm = new Map<string, number>();
    for (let i = 0; wafers.length < 6; i += 1) {
      const wafer = `W${String(i).padStart(3, '0')}`;
      const arm = assignArm(experiment.arms as Array<{ name: string; weight: number }>, experiment.id, wafer);
      if ((perArm.get(arm.name) ?? 0) >= 3) continue;
      perArm.set(arm.name, (perArm.get(arm.name) ?? 0) + 1);
      wafers.push(wafer);
    }
    // 24 dies: four per wafer, wafers spread over two lots, interleaved as a line sends them.
    const answers: Json[] = [];
    for (const [i, pair] of pairs.entries()) {
      const wafer = wafers[i % wafers.length] as string;
      answers.push(
        await predict(pair, { lot_id: `LOT-${i % 2}`, wafer_id: wafer, die_x: String(i), die_y: '0' }),
      );
    }

    // Every wafer was served by exactly one arm and one version, as stored.
    const stored = await service.database.db
      .selectFrom('inferences')
      .select(['id', 'wafer_id', 'experiment_id', 'experiment_arm', 'model_version', 'total_ms'])
      .where('experiment_id', '=', experiment.id)
      .execute();
    expect(stored).toHaveLength(pairs.length);
    const armsOfWafer = new Map<string, Set<string>>();
    for (const row of stored) {
      const set = armsOfWafer.get(row.wafer_id as string) ?? new Set();
      set.add(`${row.experiment_arm}:${row.model_version}`);
      armsOfWafer.set(row.wafer_id as string, set);
    }
    expect(armsOfWafer.size).toBe(6);
    for (const served of armsOfWafer.values()) expect(served.size).toBe(1);
    expect(new Set([...armsOfWafer.values()].map((s) => [...s][0]))).toEqual(new Set(['v3:3', 'v1:1']));
    // The answers say so too.
    for (const answer of answers) {
      expect(answer.experiment).toEqual({ id: experiment.id, arm: `v${answer.model.version}` });
    }

    // Per-arm figures against a count made here from the answers (and the stored latencies).
    const read = await body(await request(`/experiments/${experiment.id}`));
    for (const arm of ['v3', 'v1']) {
      const mine = answers.filter((a) => a.experiment.arm === arm);
      const figures = read.figures.arms.find((f: Json) => f.name === arm);
      expect(figures.requests).toBe(mine.length);
      expect(figures.completed).toBe(mine.length);
      expect(figures.units).toBe(3);
      for (const verdict of ['PASS', 'FAIL', 'REVIEW']) {
        expect(figures.verdicts[verdict].successes).toBe(
          mine.filter((a) => a.verdict.status === verdict).length,
        );
        expect(figures.verdicts[verdict].trials).toBe(mine.length);
      }
      const classes = new Map<string, { images: number; detections: number }>();
      for (const answer of mine) {
        const types = answer.detections.map((d: Json) => d.defect_type as string);
        for (const type of new Set<string>(types)) {
          const row = classes.get(type) ?? { images: 0, detections: 0 };
          row.images += 1;
          row.detections += types.filter((t: string) => t === type).length;
          classes.set(type, row);
        }
      }
      expect(
        Object.fromEntries(
          figures.defects_by_class.map((c: Json) => [
            c.defect_type,
            { images: c.image_rate.successes, detections: c.detections },
          ]),
        ),
      ).toEqual(Object.fromEntries(classes));
      const latencies = stored.filter((r) => r.experiment_arm === arm).map((r) => r.total_ms as number);
      expect(figures.latency_ms.p50).toBeCloseTo(quantile(latencies, 0.5) as number, 6);
      expect(figures.latency_ms.p95).toBeCloseTo(quantile(latencies, 0.95) as number, 6);
    }
    // 12 results per arm: differences are reported, and said to rest on too little data.
    const failRate = read.figures.comparisons.find((c: Json) => c.metric === 'fail_rate');
    expect(failRate).toMatchObject({ arm: 'v1', against: 'v3', enough_data: false, significant: false });
    expect(failRate.conclusion).toMatch(/^not enough data/);

    // A request naming a version is outside the experiment; after stop, the default serves all.
    expect(
      (await predict(pairs[0] as Pair, { wafer_id: wafers[0] as string, version: '1' })).experiment,
    ).toBeNull();
    const stopped = await admin(`/experiments/${experiment.id}/stop`, { reason: 'enough for the test' });
    expect(stopped.status).toBe(200);
    expect(await body(stopped)).toMatchObject({
      experiment: { status: 'stopped', stop_reason: 'enough for the test', promoted_arm: null },
      promotion: null,
    });
    const after = await predict(pairs[0] as Pair, { wafer_id: wafers[0] as string });
    expect(after.experiment).toBeNull();
    expect(after.model.version).toBe('3');
  });

  it('shadow: the default answers unchanged, version 1 runs on every image and is stored', async () => {
    const sample = pairs.slice(0, 8);
    const baseline: Json[] = [];
    for (const pair of sample) baseline.push(await predict(pair, { lot_id: 'LOT-S' }));
    const direct: Json[] = [];
    for (const pair of sample) direct.push(await predict(pair, { lot_id: 'LOT-S', version: '1' }));

    const created = await admin('/experiments', {
      model,
      mode: 'shadow',
      arms: [{ version: '3' }, { name: 'candidate', version: '1' }],
    });
    expect(created.status).toBe(201);
    const experiment = await body(created);
    expect(experiment.arms).toEqual([
      { name: 'v3', version: '3', weight: 0, role: 'control' },
      { name: 'candidate', version: '1', weight: 0, role: 'shadow' },
    ]);
    const answers: Json[] = [];
    for (const pair of sample) answers.push(await predict(pair, { lot_id: 'LOT-S' }));
    await service.services.shadows.idle();

    // The answers are those of the default without the experiment: version, verdict, defects.
    for (const [i, answer] of answers.entries()) {
      const before = baseline[i];
      expect(answer.model).toEqual(before.model);
      expect(answer.verdict).toEqual(before.verdict);
      expect(answer.detections).toEqual(before.detections);
      expect(answer.experiment).toEqual({ id: experiment.id, arm: 'v3' });
    }
    // Version 1's result is stored for every image, equal to version 1 asked directly.
    const shadows = await service.database.db
      .selectFrom('experiment_shadow_results')
      .selectAll()
      .where('experiment_id', '=', experiment.id)
      .execute();
    expect(shadows).toHaveLength(sample.length);
    for (const [i, answer] of answers.entries()) {
      const shadow = shadows.find((s) => s.inference_id === answer.id);
      expect(shadow).toMatchObject({ experiment_arm: 'candidate', model_version: '1', status: 'completed' });
      expect(shadow?.verdict_status).toBe(direct[i].verdict.status);
      expect(shadow?.detections.map((d) => d.defect_type)).toEqual(
        direct[i].detections.map((d: Json) => d.defect_type),
      );
    }
    // Shadow results are never listed or counted as results.
    const listed = await body(await request(`/inference?lot_id=LOT-S&limit=100`));
    expect(listed.items).toHaveLength(sample.length * 3);
    expect(listed.items.filter((r: Json) => r.model.version === '1')).toHaveLength(sample.length);

    // Agreement, against a count from the stored rows.
    const read = await body(await request(`/experiments/${experiment.id}`));
    const agreement = read.figures.agreement[0];
    const flips = answers.filter((a, i) => a.verdict.status !== direct[i].verdict.status).length;
    expect(agreement).toMatchObject({ arm: 'candidate', against: 'v3', images: sample.length });
    expect(agreement.verdicts_agree).toBe(sample.length - flips);
    expect(Object.values(agreement.verdict_flips as Record<string, number>).reduce((s, n) => s + n, 0)).toBe(
      flips,
    );
    const matched = agreement.defects.matched + agreement.defects.only_shadow;
    expect(matched).toBe(shadows.reduce((s, r) => s + r.detection_count, 0));
    expect(agreement.defects.matched + agreement.defects.only_control).toBe(
      answers.reduce((s, a) => s + a.detections.length, 0),
    );
    const shadowArm = read.figures.arms.find((a: Json) => a.name === 'candidate');
    expect(shadowArm).toMatchObject({ served: 'shadow', requests: sample.length, completed: sample.length });
    await admin(`/experiments/${experiment.id}/stop`, { reason: 'done' });
  });

  it('refuses a second running experiment, unknown versions and a shadow without the default', async () => {
    const bad = await admin('/experiments', {
      model,
      mode: 'shadow',
      arms: [{ version: '1' }, { version: '1', name: 'again' }],
    });
    expect(bad.status).toBe(400);
    expect((await body(bad)).detail).toMatch(/default version \(3\) answers/);
    const unknown = await admin('/experiments', {
      model,
      mode: 'split',
      arms: [
        { version: '3', weight: 1 },
        { version: '9', weight: 1 },
      ],
    });
    expect(unknown.status).toBe(404);
    const first = await admin('/experiments', {
      model,
      mode: 'split',
      unit: 'lot_id',
      arms: [
        { version: '3', weight: 1 },
        { version: '1', weight: 1 },
      ],
    });
    expect(first.status).toBe(201);
    const second = await admin('/experiments', {
      model,
      mode: 'split',
      arms: [
        { version: '3', weight: 1 },
        { version: '1', weight: 1 },
      ],
    });
    expect(second.status).toBe(409);
    const noKey = await request('/experiments', {
      method: 'POST',
      body: JSON.stringify({}),
      headers: { 'content-type': 'application/json' },
    });
    expect(noKey.status).toBe(401);
    await admin(`/experiments/${(await body(first)).id}/stop`, { reason: 'done' });
  });
});
