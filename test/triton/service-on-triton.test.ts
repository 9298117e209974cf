/**
 * The inference service with ENGINE=triton against a real Triton (the `triton` project):
 * predict through Triton's gRPC API, the model endpoints through its repository API (index,
 * load, unload), and health reporting the Triton engine. The service reads the same repository
 * folder Triton serves, as on shared storage in production. Deploy is not run here: the test
 * server has only the Python backend, so an uploaded onnxruntime_onnx model could not load.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../services/inference/src/config/load-config.js';
import { createLogger } from '../../services/inference/src/observability/logger.js';
import { type RunningService, startService } from '../../services/inference/src/start-service.js';
import { body, form } from '../../services/inference/test/helpers/http.js';
import { blank, topLeftDefect } from '../../services/inference/test/helpers/png.js';
import { adminHeaders, testAdminKey } from '../../services/inference/test/helpers/test-service.js';
import { startTritonServer, type TritonServer, tritonAvailability } from './support/triton-server.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const availability = await tritonAvailability();
const suite = availability.available ? describe : describe.skip;
const title = availability.available
  ? 'inference service on Triton'
  : `inference service on Triton (skipped: ${availability.reason})`;

suite(title, () => {
  let server: TritonServer;
  let service: RunningService;
  let dir: string;
  const request = (p: string, init?: RequestInit) => service.app.request(`/api/v1${p}`, init);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chipq-service-triton-'));
    await cp(join(root, 'test/fixtures/models/diff_detector'), join(dir, 'models/diff_detector'), {
      recursive: true,
    });
    server = await startTritonServer({
      name: 'triton-service',
      source: join(dir, 'models'),
      loadModels: ['diff_detector'],
    });
    const config = loadConfig(
      {
        ENGINE: 'triton',
        TRITON_SERVER_URL: server.grpcUrl,
        // With Triton's HTTP URL known, inferences take the default, faster transport: HTTP/REST.
        TRITON_HTTP_URL: `http://127.0.0.1:${server.httpPort}`,
        TRITON_TIMEOUT: '60',
        MODEL_REPOSITORY: server.repository,
        DATA_DIR: join(dir, 'data'),
        CHIPQ_ADMIN_KEY: testAdminKey,
      },
      dir,
    );
    service = await startService({ config, logger: createLogger('silent'), worker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports the Triton engine and its model in health', async () => {
    const response = await request('/monitoring/health');
    expect(response.status).toBe(200);
    const health = await body(response);
    expect(health.checks.engine).toMatchObject({ kind: 'triton', status: 'ok' });
    expect(health.checks.models).toEqual([
      expect.objectContaining({ name: 'diff_detector', state: 'READY' }),
    ]);
  });

  it('predicts through Triton and reads the result back', async () => {
    const response = await request('/inference/predict', {
      method: 'POST',
      body: form({ image: topLeftDefect(), reference: blank() }),
    });
    expect(response.status).toBe(200);
    const result = await body(response);
    expect(result.model).toEqual({ name: 'diff_detector', version: '1' });
    expect(result.detections.map((d: { defect_type: string }) => d.defect_type)).toEqual(['top_left']);
    expect(await body(await request(`/inference/${result.id}`))).toEqual(result);
  });

  it("unloads and loads through Triton's repository API", async () => {
    expect(
      await body(await request('/models/diff_detector/unload', { method: 'POST', headers: adminHeaders })),
    ).toMatchObject({
      ready: false,
    });
    const refused = await request('/inference/predict', {
      method: 'POST',
      body: form({ image: topLeftDefect(), reference: blank(), model: 'diff_detector' }),
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(
      await body(await request('/models/diff_detector/load', { method: 'POST', headers: adminHeaders })),
    ).toMatchObject({
      state: 'READY',
      ready: true,
    });
    const { models } = await body(await request('/models'));
    expect(models).toEqual([
      expect.objectContaining({
        name: 'diff_detector',
        state: 'READY',
        versions: [expect.objectContaining({ version: '1', ready: true })],
      }),
    ]);
  });
});
