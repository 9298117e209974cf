/**
 * @chipq/sdk against the real service in process (fetch -> app.request, nothing mocked) with
 * the diff_detector fixture on PGlite, plus one suite over a real port. Imports the SDK's
 * sources, so the test runs without a build.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChipqApiError, type ChipqClient, createChipqClient } from '../../packages/sdk/src/index.js';
import { fileFromPath } from '../../packages/sdk/src/node.js';
import { type Listening, listen } from '../../services/inference/src/listen.js';
import type { RunningService } from '../../services/inference/src/start-service.js';
import { blank, topLeftDefect } from '../../services/inference/test/helpers/png.js';
import {
  createTestEnvironment,
  type TestEnvironment,
  testAdminKey,
} from '../../services/inference/test/helpers/test-service.js';

describe('sdk against the in-process service', () => {
  let env: TestEnvironment;
  let service: RunningService;
  let client: ChipqClient;

  beforeAll(async () => {
    env = await createTestEnvironment('pglite', ['diff_detector', 'add_sub']);
    service = await env.start();
    client = createChipqClient({
      baseUrl: 'http://chipq.test',
      apiKey: testAdminKey,
      fetch: async (request) => service.app.request(request),
    });
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  it('predicts PASS for a clean pair and FAIL for a defect, from bytes and from a Blob', async () => {
    const pass = await client.predict({ image: blank(), reference: blank(), model: 'diff_detector' });
    expect(pass.kind).toBe('result');
    expect(pass.verdict?.status).toBe('PASS');
    expect(pass.detections).toEqual([]);

    const fail = await client.predict({
      image: new Blob([topLeftDefect() as Uint8Array<ArrayBuffer>], { type: 'image/png' }),
      reference: blank(),
      model: 'diff_detector',
      lotId: 'LOT-7',
      dieX: 3,
      tags: { recipe: 'r7' },
    });
    expect(fail.verdict?.status).toBe('FAIL');
    expect(fail.detections[0]?.defect_type).toBe('top_left');
    expect(fail.detections[0]?.confidence).toBeCloseTo(1, 3);
    expect(fail.traceability).toMatchObject({ lot_id: 'LOT-7', die_x: 3, tags: { recipe: 'r7' } });

    const again = await client.getResult(fail.id);
    expect(again.kind).toBe('result');
    expect(again.id).toBe(fail.id);
  });

  it('lists stored results with filters and a cursor', async () => {
    const lot = 'LOT-LIST';
    for (let i = 0; i < 3; i++)
      await client.predict({ image: topLeftDefect(), reference: blank(), lotId: lot, waferId: `W${i}` });
    const first = await client.listResults({ lot_id: lot, verdict: 'FAIL', limit: 2 });
    expect(first.items.map((r) => r.traceability.wafer_id)).toEqual(['W2', 'W1']);
    expect(first.page.next_cursor).toEqual(expect.any(String));
    const second = await client.listResults({ lot_id: lot, cursor: first.page.next_cursor ?? '' });
    expect(second.items.map((r) => r.traceability.wafer_id)).toEqual(['W0']);
    expect(second.page.next_cursor).toBeNull();
    const bad = await client.listResults({ limit: 0 }).catch((e) => e);
    expect(bad).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
  });

  it('reviews a result, reads it back, walks the queue and reads precision per version', async () => {
    const lot = 'LOT-SDK-REVIEW';
    const result = await client.predict({ image: topLeftDefect(), reference: blank(), lotId: lot });
    const queued = await client.reviews.queue({ lot_id: lot, sample_rate: 1 });
    expect(queued.items.map((i) => [i.reason, i.result.id])).toEqual([['sample', result.id]]);
    const review = await client.reviews.submit(result.id, {
      verdict: 'FAIL',
      defects: [{ index: 0, outcome: 'false_alarm' }],
      missed: [{ defect_type: 'top_left', box: { x1: 0, y1: 0, x2: 30, y2: 30 } }],
    });
    expect(review).toMatchObject({ revision: 1, counts: { true_defects: 0, false_alarms: 1, missed: 1 } });
    if (review === null) throw new Error('submit answered no review');
    expect(await client.getResult(result.id)).toMatchObject({ kind: 'result', review: { id: review.id } });
    expect((await client.reviews.history(result.id)).reviews.map((r) => r.id)).toEqual([review.id]);
    expect((await client.reviews.queue({ lot_id: lot, sample_rate: 1 })).items).toEqual([]);
    const quality = await client.reviews.quality({ model: 'diff_detector', bucket: 'all' });
    expect(quality.groups[0]?.total.precision?.value).toBe(0);
    // Deliberately without `missed`: the server must refuse what the types would.
    const incomplete = { verdict: 'PASS', defects: [] } as unknown as Parameters<
      typeof client.reviews.submit
    >[1];
    const bad = await client.reviews.submit(result.id, incomplete).catch((e) => e);
    expect(bad).toBeInstanceOf(ChipqApiError);
    expect(bad).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    const image = await client.resultImage(result.id).catch((e) => e);
    expect(image).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('predicts with the JSON (base64) form', async () => {
    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
    const result = await client.predict({ image: b64(topLeftDefect()), reference: b64(blank()) });
    expect(result.verdict?.status).toBe('FAIL');
  });

  it('throws a typed ChipqApiError for an unknown model and for a bad image', async () => {
    const unknown = await client
      .predict({ image: blank(), reference: blank(), model: 'nope' })
      .catch((e) => e);
    expect(unknown).toBeInstanceOf(ChipqApiError);
    expect(unknown).toMatchObject({ status: 404, code: 'MODEL_NOT_FOUND' });
    expect(unknown.requestId).toEqual(expect.any(String));

    const junk = await client
      .predict({ image: new TextEncoder().encode('not an image'), reference: blank() })
      .catch((e) => e);
    expect(junk).toBeInstanceOf(ChipqApiError);
    expect([400, 415, 422]).toContain(junk.status);
    expect(junk.code).toBe('UNSUPPORTED_IMAGE');

    const missing = await client.getResult('00000000-0000-0000-0000-000000000000').catch((e) => e);
    expect(missing).toMatchObject({ status: 404, code: 'NOT_FOUND' });

    const invalid = await client.getResult('not-a-uuid').catch((e) => e);
    expect(invalid).toBeInstanceOf(ChipqApiError);
    expect(invalid.status).toBe(400);
    expect(invalid.errors.length).toBeGreaterThan(0);
  });

  it('queues a batch and waits for it with progress', async () => {
    const accepted = await client.batch({
      model: 'diff_detector',
      items: [
        { image: topLeftDefect(), reference: blank(), filename: 'a.png', dieX: 1 },
        { image: blank(), reference: blank(), filename: 'b.png' },
        { image: topLeftDefect(), reference: blank(), filename: 'c.png' },
      ],
    });
    expect(accepted).toMatchObject({ kind: 'batch', item_count: 3 });
    const seen: number[] = [];
    const batch = await client.waitForBatch(accepted.id, {
      pollIntervalMs: 20,
      onProgress: (progress) => seen.push(progress.completed + progress.failed),
    });
    expect(batch.status).toBe('completed');
    expect(batch.progress).toMatchObject({ total: 3, completed: 3, percent: 100 });
    expect(seen.at(-1)).toBe(3);
    const verdicts = batch.items.map((item) => item.result?.verdict?.status);
    expect(verdicts).toEqual(['FAIL', 'PASS', 'FAIL']);

    // A finished batch has nothing to cancel: a typed 409.
    const late = await client.cancel(accepted.id).catch((e) => e);
    expect(late).toBeInstanceOf(ChipqApiError);
    expect(late).toMatchObject({ status: 409, code: 'CONFLICT' });
  });

  it('stops waiting when the signal aborts', async () => {
    const accepted = await client.batch({ items: [{ image: blank(), reference: blank() }] });
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(client.waitForBatch(accepted.id, { signal: controller.signal })).rejects.toThrow('stop');
  });

  it('lists, unloads and loads models and reads their status and health', async () => {
    const { models } = await client.models.list();
    expect(models.map((m) => m.name).sort()).toEqual(['add_sub', 'diff_detector']);
    const detail = await client.models.get('diff_detector');
    expect(detail.labels).toContain('top_left');
    expect((await client.models.versions('diff_detector')).versions[0]?.version).toBe('1');

    const unloaded = await client.models.unload('add_sub');
    expect(unloaded.ready).toBe(false);
    expect((await client.models.status('add_sub')).state).toBe('UNAVAILABLE');
    const loaded = await client.models.load('add_sub');
    expect(loaded.ready).toBe(true);

    const health = await client.monitoring.health();
    expect(health).toMatchObject({ live: true, ready: true });
    const modelHealth = await client.monitoring.modelHealth('diff_detector', { window_minutes: 60 });
    expect(modelHealth.name).toBe('diff_detector');
    const metrics = await client.monitoring.modelMetrics('diff_detector');
    expect(metrics.stored.requests).toBeGreaterThan(0);
    const anomalies = await client.monitoring.anomalies('diff_detector');
    expect(Array.isArray(anomalies.checks)).toBe(true);
    const summary = await client.metricsSummary();
    expect(summary.totals.requests).toBeGreaterThan(0);
  });

  it('retries a GET after a 503 answer, and gives up on predict at once', async () => {
    const statuses: number[] = [];
    let answered = 0;
    const busyOnce = async (request: Request) => {
      const response =
        answered++ === 0
          ? new Response(
              JSON.stringify({ status: 503, code: 'ENGINE_UNAVAILABLE', title: 'busy', detail: 'busy' }),
              {
                status: 503,
                headers: { 'content-type': 'application/problem+json' },
              },
            )
          : await service.app.request(request);
      statuses.push(response.status);
      return response;
    };
    const retrying = createChipqClient({ baseUrl: 'http://chipq.test', fetch: busyOnce, retryDelayMs: 1 });
    expect((await retrying.models.status('diff_detector')).ready).toBe(true);
    expect(statuses).toEqual([503, 200]);

    answered = 0;
    statuses.length = 0;
    const refused = await retrying.predict({ image: blank(), reference: blank() }).catch((e) => e);
    expect(refused).toMatchObject({ status: 503, code: 'ENGINE_UNAVAILABLE' });
    expect(statuses).toEqual([503]);
  });

  it('rejects with a TimeoutError when an attempt passes its deadline', async () => {
    // A fetch that never answers on its own: only the client's deadline can end the call.
    const silent = (request: Request) =>
      new Promise<Response>((_resolve, reject) => {
        request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
      });
    const slowClient = createChipqClient({
      baseUrl: 'http://chipq.test',
      fetch: silent,
      timeoutMs: 50,
      retries: 0,
    });
    await expect(slowClient.models.list()).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('shows the stored default, refuses to promote it again and to roll back with nothing before it', async () => {
    // The only version of diff_detector is its default from the start (stored, not promoted).
    expect((await client.models.get('diff_detector')).default_version).toBe('1');
    await expect(client.models.promote('diff_detector', '1', 'first choice')).rejects.toMatchObject({
      name: 'ChipqApiError',
      status: 409,
    });
    await expect(client.models.rollback('diff_detector', 'undo')).rejects.toMatchObject({
      name: 'ChipqApiError',
      status: 409,
    });
  });

  it('deploys a new version from a file path (node helper)', async () => {
    const dir = path.join(env.repository, 'add_sub');
    const model = await fileFromPath(path.join(dir, '1', 'model.onnx'));
    const deployed = await client.models.deploy({ name: 'add_sub', model, load: false });
    expect(deployed).toMatchObject({ name: 'add_sub', version: '2', status: null });
    expect(await readFile(path.join(dir, '2', 'model.onnx'))).toEqual(
      await readFile(path.join(dir, '1', 'model.onnx')),
    );
  });
});

describe('sdk over a real port (API-only replica: batches stay queued)', () => {
  let env: TestEnvironment;
  let service: RunningService;
  let server: Listening;

  beforeAll(async () => {
    env = await createTestEnvironment('pglite', ['diff_detector']);
    service = await env.start({ worker: false });
    server = await listen(service.app.fetch, { port: 0, hostname: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close(1000);
    await service?.stop();
    await env?.dispose();
  });

  it('predicts over HTTP with the global fetch', async () => {
    const client = createChipqClient({ baseUrl: server.url, timeoutMs: 10_000 });
    const result = await client.predict({ image: topLeftDefect(), reference: blank() });
    expect(result.verdict?.status).toBe('FAIL');
    expect((await client.monitoring.health()).ready).toBe(true);
  });

  it('retries idempotent calls after a network error, but never a predict', async () => {
    let calls = 0;
    const flaky = async (request: Request) => {
      calls++;
      if (calls === 1) throw new TypeError('fetch failed (first attempt dropped)');
      return fetch(request);
    };
    const client = createChipqClient({ baseUrl: server.url, fetch: flaky, retryDelayMs: 1 });
    expect((await client.models.list()).models).toHaveLength(1);
    expect(calls).toBe(2);

    calls = 0;
    await expect(client.predict({ image: blank(), reference: blank() })).rejects.toThrow(
      'first attempt dropped',
    );
    expect(calls).toBe(1);
  });

  it('cancels a queued batch, and cancelling again is harmless', async () => {
    const client = createChipqClient({ baseUrl: server.url });
    const accepted = await client.batch({
      items: [
        { image: blank(), reference: blank() },
        { image: topLeftDefect(), reference: blank() },
      ],
    });
    const cancelled = await client.cancel(accepted.id);
    expect(cancelled).toMatchObject({ id: accepted.id, cancelled_items: 2, already_cancelled: false });
    const again = await client.cancel(accepted.id);
    expect(again).toMatchObject({ cancelled_items: 0, already_cancelled: true });
    const batch = await client.waitForBatch(accepted.id, { pollIntervalMs: 10 });
    expect(batch.status).toBe('cancelled');
  });

  it('aborts a call with its signal', async () => {
    const client = createChipqClient({ baseUrl: server.url });
    const controller = new AbortController();
    controller.abort();
    await expect(client.models.list({ signal: controller.signal })).rejects.toThrow();
  });
});
