/**
 * /models on the real embedded engine over a temporary copy of the fixture repository: list,
 * describe, versions, status, load and unload with their recorded events, and deploy, whose
 * failures must leave nothing in the repository.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/start-service.js';
import { body, form } from './helpers/http.js';
import { blank, topLeftDefect } from './helpers/png.js';
import { databaseKinds } from './helpers/test-databases.js';
import {
  adminHeaders,
  createTestEnvironment,
  readDiffDetector,
  type TestEnvironment,
} from './helpers/test-service.js';

const { onnx, configText } = await readDiffDetector();

function deployForm(fields: {
  name: string;
  version?: string;
  model?: Uint8Array;
  config?: string;
  labels?: string;
  load?: string;
}): FormData {
  const data = new FormData();
  data.append('name', fields.name);
  if (fields.version !== undefined) data.append('version', fields.version);
  if (fields.load !== undefined) data.append('load', fields.load);
  data.append('model', new Blob([(fields.model ?? onnx) as Uint8Array<ArrayBuffer>]), 'model.onnx');
  if (fields.config !== undefined) data.append('config', new Blob([fields.config]), 'config.pbtxt');
  if (fields.labels !== undefined) data.append('labels', new Blob([fields.labels]), 'labels.txt');
  return data;
}

describe.each(databaseKinds)('models on $kind', ({ kind, skip }) => {
  let env: TestEnvironment;
  let service: RunningService;
  const request = (p: string, init?: RequestInit) => service.app.request(`/api/v1${p}`, init);
  const post = (p: string, data?: FormData) =>
    request(p, { method: 'POST', body: data, headers: adminHeaders });
  const repositoryListing = async () =>
    (await readdir(env.repository)).filter((n) => n !== '.staging').sort();
  const stagingLeft = async () => readdir(path.join(env.repository, '.staging')).catch(() => []);

  beforeAll(async () => {
    if (skip) return;
    env = await createTestEnvironment(kind, ['diff_detector', 'broken']);
    service = await env.start({ worker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  it.skipIf(skip)('lists every model with its state, including a broken one', async () => {
    const response = await request('/models');
    expect(response.status).toBe(200);
    const { models } = await body(response);
    expect(models.map((m: { name: string }) => m.name)).toEqual(['broken', 'diff_detector']);
    const [broken, diff] = models;
    expect(diff).toMatchObject({
      state: 'READY',
      ready: true,
      platform: 'onnxruntime_onnx',
      max_batch_size: 8,
      versions: [{ version: '1', state: 'READY', ready: true, reason: '' }],
      default_version: null,
      labels: ['top_left', 'top_right', 'bottom_left', 'bottom_right'],
      decoder: 'chipq_detections',
      dynamic_batching: { preferred_batch_size: [4, 8], max_queue_delay_microseconds: 2000 },
    });
    expect(diff.inputs[0]).toEqual({ name: 'image', data_type: 'UINT8', dims: [1, 64, 64], format: 'NCHW' });
    expect(broken).toMatchObject({ state: 'UNAVAILABLE', ready: false });
    expect(broken.reason).not.toBe('');
  });

  it.skipIf(skip)('describes a model, its versions and status', async () => {
    const detail = await body(await request('/models/diff_detector'));
    expect(detail).toMatchObject({
      name: 'diff_detector',
      card: null,
      config: { name: 'diff_detector', max_batch_size: 8 },
    });
    expect(await body(await request('/models/diff_detector/versions'))).toEqual({
      name: 'diff_detector',
      versions: [{ version: '1', state: 'READY', ready: true, reason: '' }],
    });
    expect(await body(await request('/models/diff_detector/status'))).toMatchObject({
      name: 'diff_detector',
      state: 'READY',
      ready: true,
    });
  });

  it.skipIf(skip)('answers unknown and invalid names as problems', async () => {
    for (const p of [
      '/models/nope',
      '/models/nope/versions',
      '/models/nope/status',
      '/models/nope/load',
      '/models/nope/unload',
    ]) {
      const response = p.endsWith('load') ? await post(p) : await request(p);
      expect(response.status, p).toBe(404);
      expect((await body(response)).code, p).toBe('MODEL_NOT_FOUND');
    }
    const invalid = await request('/models/bad%20name!');
    expect(invalid.status).toBe(400);
    expect((await body(invalid)).errors[0]).toMatchObject({ field: 'name', in: 'path' });
  });

  it.skipIf(skip)('unloads and loads a model, refusing predictions while it is unloaded', async () => {
    const unloaded = await post('/models/diff_detector/unload');
    expect(unloaded.status).toBe(200);
    expect(await body(unloaded)).toMatchObject({ state: 'UNAVAILABLE', ready: false });
    const refused = await post(
      '/inference/predict',
      form({ image: topLeftDefect(), reference: blank(), model: 'diff_detector' }),
    );
    expect(refused.status).toBe(503);
    expect((await body(refused)).code).toBe('MODEL_NOT_READY');
    const loaded = await post('/models/diff_detector/load');
    expect(loaded.status).toBe(200);
    expect(await body(loaded)).toMatchObject({ state: 'READY', ready: true });
    const accepted = await post(
      '/inference/predict',
      form({ image: topLeftDefect(), reference: blank(), model: 'diff_detector' }),
    );
    expect(accepted.status).toBe(200);
    const events = (await body(await request('/models/diff_detector'))).deployments.map(
      (e: { event: string }) => e.event,
    );
    expect(events.slice(0, 2)).toEqual(['loaded', 'unloaded']);
  });

  it.skipIf(skip)('records a failed load', async () => {
    const response = await post('/models/broken/load');
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const { code } = await body(response);
    const rows = await service.database.db
      .selectFrom('model_deployments')
      .selectAll()
      .where('model_name', '=', 'broken')
      .execute();
    expect(rows.map((r) => [r.event, r.error_code])).toEqual([['load_failed', code]]);
  });

  it.skipIf(skip)(
    'deploys a new model: staged, smoke-tested, moved into the repository and loaded',
    async () => {
      const response = await post(
        '/models/deploy',
        deployForm({
          name: 'diff_copy',
          config: configText.replace('name: "diff_detector"', 'name: "diff_copy"'),
          labels: 'a\nb\nc\nd\n',
        }),
      );
      expect(response.status).toBe(201);
      const result = await body(response);
      expect(result).toMatchObject({
        name: 'diff_copy',
        version: '1',
        status: { state: 'READY' },
        deployment: { event: 'deployed', version: '1' },
      });
      expect(result.deployment.detail).toMatchObject({
        new_model: true,
        loaded: true,
        served: true,
        bytes: onnx.byteLength,
      });
      expect(await readdir(path.join(env.repository, 'diff_copy'))).toEqual(
        expect.arrayContaining(['1', 'config.pbtxt']),
      );
      expect(await stagingLeft()).toEqual([]);
      const predicted = await body(
        await post(
          '/inference/predict',
          form({ image: topLeftDefect(), reference: blank(), model: 'diff_copy' }),
        ),
      );
      expect(predicted.model).toEqual({ name: 'diff_copy', version: '1' });
      expect(predicted.detections[0].defect_type).toBe('a');
    },
  );

  it.skipIf(skip)('deploys a new version of an existing model with its existing config', async () => {
    const response = await post('/models/deploy', deployForm({ name: 'diff_copy' }));
    expect(response.status).toBe(201);
    const result = await body(response);
    expect(result.version).toBe('2');
    expect(result.status.versions.find((v: { version: string }) => v.version === '2')).toMatchObject({
      state: 'READY',
    });
    const conflict = await post('/models/deploy', deployForm({ name: 'diff_copy', version: '2' }));
    expect(conflict.status).toBe(409);
    expect((await body(conflict)).code).toBe('CONFLICT');
  });

  const failures: Array<
    [string, { fields: Parameters<typeof deployForm>[0]; status: number; code: string; detail: RegExp }]
  > = [
    [
      'a file that is not ONNX',
      {
        fields: {
          name: 'junk',
          labels: 'a\n',
          model: new TextEncoder().encode('not a model'),
          config: configText.replace('diff_detector', 'junk'),
        },
        status: 422,
        code: 'MODEL_CONFIG_INVALID',
        detail: /load/,
      },
    ],
    [
      'a config naming an input the model lacks',
      {
        fields: {
          name: 'wrong_input',
          labels: 'a\n',
          config: configText
            .replace('diff_detector', 'wrong_input')
            .replace('name: "reference"', 'name: "template"'),
        },
        status: 422,
        code: 'MODEL_CONFIG_INVALID',
        detail: /template/,
      },
    ],
    [
      'a config with the wrong output dims',
      {
        fields: {
          name: 'wrong_dims',
          labels: 'a\n',
          config: configText.replace('diff_detector', 'wrong_dims').replace('dims: [ 4 ] }', 'dims: [ 5 ] }'),
        },
        status: 422,
        code: 'MODEL_CONFIG_INVALID',
        detail: /output scores/,
      },
    ],
    [
      'a config that does not parse',
      {
        fields: { name: 'bad_text', config: 'name: "bad_text" input [ {' },
        status: 422,
        code: 'MODEL_CONFIG_INVALID',
        detail: /config\.pbtxt/,
      },
    ],
    [
      'a new model without config',
      {
        fields: { name: 'no_config' },
        status: 422,
        code: 'MODEL_CONFIG_INVALID',
        detail: /required for a new model/,
      },
    ],
    [
      'a config for another model',
      {
        fields: { name: 'other', config: configText },
        status: 400,
        code: 'INVALID_INPUT',
        detail: /names model "diff_detector"/,
      },
    ],
  ];
  it.skipIf(skip).each(failures)(
    'rejects %s and leaves nothing behind',
    async (_name, { fields, status, code, detail }) => {
      const before = await repositoryListing();
      const response = await post('/models/deploy', deployForm(fields));
      expect(response.status).toBe(status);
      const problem = await body(response);
      expect(problem.code).toBe(code);
      expect(problem.detail).toMatch(detail);
      expect(await repositoryListing()).toEqual(before);
      expect(await stagingLeft()).toEqual([]);
      const rows = await service.database.db
        .selectFrom('model_deployments')
        .selectAll()
        .where('model_name', '=', fields.name)
        .execute();
      expect(rows.map((r) => [r.event, r.error_code])).toEqual([['deploy_failed', code]]);
    },
  );

  it.skipIf(skip)('validates the deploy form, listing every bad field', async () => {
    const data = new FormData();
    data.append('name', '../escape');
    data.append('version', 'v2');
    const response = await post('/models/deploy', data);
    expect(response.status).toBe(400);
    expect((await body(response)).errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'model',
      'name',
      'version',
    ]);
  });
});
