/**
 * POST /inference/predict and GET /inference/{id} on the real service (diff_detector fixture
 * model on the embedded engine), on PGlite and PostgreSQL: results, traceability, stored
 * failures, and every error path answered as problem+json.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/start-service.js';
import { base64, body, form } from './helpers/http.js';
import { blank, greyPng, topLeftDefect } from './helpers/png.js';
import { databaseKinds } from './helpers/test-databases.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';

const b64 = base64;

describe.each(databaseKinds)('predict on $kind', ({ kind, skip }) => {
  let env: TestEnvironment;
  let service: RunningService;
  const request = (path: string, init?: RequestInit) => service.app.request(`/api/v1${path}`, init);
  /** Files go to `predict` (multipart), base64 JSON to `predictBase64`. */
  const predict = (body: FormData | object) =>
    body instanceof FormData
      ? request('/inference/predict', { method: 'POST', body })
      : request('/inference/predict/base64', {
          method: 'POST',
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        });

  beforeAll(async () => {
    if (skip) return;
    env = await createTestEnvironment(kind, ['diff_detector', 'broken'], { IMAGE_MAX_SIZE: '30000' });
    service = await env.start({ worker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  it.skipIf(skip)('inspects a multipart pair, stores it and reads it back by id', async () => {
    const response = await predict(
      form({
        image: topLeftDefect(),
        reference: blank(),
        lot_id: 'LOT-1',
        wafer_id: 'W07',
        die_x: '3',
        die_y: '-2',
        station_id: 'AOI-3',
        tags: ['recipe=r7', 'shift=night'],
      }),
    );
    expect(response.status).toBe(200);
    const result = await body(response);
    expect(result).toMatchObject({
      kind: 'result',
      status: 'completed',
      model: { name: 'diff_detector', version: '1' },
      image: { width: 64, height: 64, format: 'png', bytes: topLeftDefect().byteLength },
      traceability: {
        lot_id: 'LOT-1',
        wafer_id: 'W07',
        die_x: 3,
        die_y: -2,
        station_id: 'AOI-3',
        tags: { recipe: 'r7', shift: 'night' },
      },
      error: null,
    });
    expect(result.image.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.reference.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.detections).toHaveLength(1);
    const [detection] = result.detections;
    expect(detection).toMatchObject({
      defect_type: 'top_left',
      class_id: 0,
      detection_method: 'ml_automated',
    });
    expect(detection.confidence).toBeCloseTo(1, 3);
    expect(detection.box.x1).toBeCloseTo(0, 3);
    expect(detection.box.x2).toBeCloseTo(32, 3);
    expect(detection.location).toEqual({
      x: detection.box.x1,
      y: detection.box.y1,
      width: detection.box.x2 - detection.box.x1,
      height: detection.box.y2 - detection.box.y1,
    });
    expect(['PASS', 'FAIL', 'REVIEW']).toContain(result.verdict.status);
    expect(result.verdict.rule).not.toBe('');
    // Stages that did work took some time (the queue may be empty); totals cover their parts.
    const t = result.timings;
    for (const stage of ['decode_ms', 'preprocess_ms', 'infer_ms', 'postprocess_ms'])
      expect(t[stage], stage).toBeGreaterThan(0);
    expect(t.queue_ms).toBeGreaterThanOrEqual(0);
    const parts = t.decode_ms + t.preprocess_ms + t.queue_ms + t.infer_ms + t.postprocess_ms;
    expect(t.total_ms).toBeGreaterThanOrEqual(parts * 0.99);
    expect(t.service_ms).toBeGreaterThanOrEqual(t.total_ms * 0.99);
    expect(response.headers.get('content-location')).toBe(`/api/v1/inference/${result.id}`);
    // Generated per request (Hono's requestId: a UUID), and the one the problem bodies carry.
    expect(response.headers.get('x-request-id')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );

    const read = await request(`/inference/${result.id}`);
    expect(read.status).toBe(200);
    expect(await body(read)).toEqual(result);
  });

  it.skipIf(skip)(
    'accepts JSON with base64 images and maps an upscaled image back to its pixels',
    async () => {
      const response = await predict({
        image: b64(topLeftDefect(128)),
        reference: b64(blank(128)),
        model: 'diff_detector',
        version: '1',
        tags: { line: 'A', shift: 2 },
      });
      expect(response.status).toBe(200);
      const result = await body(response);
      expect(result.traceability.tags).toEqual({ line: 'A', shift: '2' });
      expect(result.image).toMatchObject({ width: 128, height: 128 });
      expect(result.detections[0].box.x2).toBeCloseTo(64, 3);
      expect(result.detections[0].box.y2).toBeCloseTo(64, 3);
    },
  );

  it.skipIf(skip)('finds nothing on identical images', async () => {
    const result = await await body(await predict(form({ image: blank(), reference: blank() })));
    expect(result.detections).toEqual([]);
    expect(result.verdict.status).toBe('PASS');
  });

  it.skipIf(skip)('answers a bad image with 422 UNSUPPORTED_IMAGE and stores the failure', async () => {
    const response = await predict(form({ image: randomBytes(500), reference: blank() }));
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = await body(response);
    expect(problem).toMatchObject({
      status: 422,
      code: 'UNSUPPORTED_IMAGE',
      type: 'urn:chipq:problem:unsupported-image',
      instance: '/api/v1/inference/predict',
    });
    expect(problem.request_id).toBe(response.headers.get('x-request-id'));
    const stored = await body(await request(`/inference/${problem.details.inference_id}`));
    expect(stored).toMatchObject({
      status: 'failed',
      error: { code: 'UNSUPPORTED_IMAGE' },
      model: { name: 'diff_detector' },
      verdict: null,
      timings: null,
    });
  });

  it.skipIf(skip)('rejects an image above IMAGE_MAX_SIZE with 413 IMAGE_TOO_LARGE', async () => {
    const noise = greyPng(256, 256, () => Math.floor(Math.random() * 256));
    expect(noise.byteLength).toBeGreaterThan(30_000);
    const response = await predict(form({ image: noise, reference: blank() }));
    expect(response.status).toBe(413);
    expect(await body(response)).toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      details: { field: 'image', limit: 30_000 },
    });
  });

  const modelErrors: Array<[string, Record<string, string>, number, string]> = [
    ['an unknown model', { model: 'no_such_model' }, 404, 'MODEL_NOT_FOUND'],
    ['an unknown version', { model: 'diff_detector', version: '9' }, 404, 'MODEL_NOT_FOUND'],
  ];
  it.skipIf(skip).each(modelErrors)('answers %s', async (_name, fields, status, code) => {
    const response = await predict(form({ image: topLeftDefect(), reference: blank(), ...fields }));
    expect(response.status).toBe(status);
    expect((await body(response)).code).toBe(code);
  });

  it.skipIf(skip)('answers a reference of another size with 422 REFERENCE_MISMATCH', async () => {
    const response = await predict(form({ image: topLeftDefect(64), reference: blank(32) }));
    expect(response.status).toBe(422);
    expect((await body(response)).code).toBe('REFERENCE_MISMATCH');
  });

  it.skipIf(skip)('answers a missing reference with 422 REFERENCE_REQUIRED', async () => {
    const response = await predict(form({ image: topLeftDefect() }));
    expect(response.status).toBe(422);
    expect((await body(response)).code).toBe('REFERENCE_REQUIRED');
  });

  it.skipIf(skip)('answers malformed multipart with 400 INVALID_INPUT', async () => {
    const response = await request('/inference/predict', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=XYZ' },
      body: '--XYZ\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n\r\nunterminated',
    });
    expect(response.status).toBe(400);
    expect(await body(response)).toMatchObject({ code: 'INVALID_INPUT', status: 400 });
  });

  it.skipIf(skip)('lists every bad multipart field', async () => {
    const response = await predict(
      form({ die_x: 'abc', version: 'latest', confidence_threshold: '2', model: '../etc' }),
    );
    expect(response.status).toBe(400);
    const problem = await body(response);
    expect(problem.code).toBe('INVALID_INPUT');
    expect(problem.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'confidence_threshold',
      'die_x',
      'image',
      'model',
      'version',
    ]);
    expect(problem.errors.every((e: { in: string }) => e.in === 'body')).toBe(true);
  });

  it.skipIf(skip)('lists every bad JSON field', async () => {
    const response = await predict({
      image: 'not base64!',
      die_x: 'three',
      tags: ['x'],
      confidence_threshold: -1,
    });
    expect(response.status).toBe(400);
    const fields = (await body(response)).errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['confidence_threshold', 'die_x', 'image', 'tags']);
  });

  it.skipIf(skip)('answers malformed JSON and other content types as problems', async () => {
    const malformed = await request('/inference/predict/base64', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"image":',
    });
    expect(malformed.status).toBe(400);
    expect((await body(malformed)).code).toBe('INVALID_INPUT');
    const text = await request('/inference/predict', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(text.status).toBe(415);
    expect(text.headers.get('content-type')).toBe('application/problem+json');
    expect((await body(text)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it.skipIf(skip)(
    'answers each predict form sent to the other operation with 415 naming the right path',
    async () => {
      const json = await request('/inference/predict', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ image: b64(blank()), reference: b64(blank()) }),
      });
      expect(json.status).toBe(415);
      expect(await body(json)).toMatchObject({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        detail: expect.stringContaining('POST /api/v1/inference/predict/base64'),
      });
      const files = await request('/inference/predict/base64', {
        method: 'POST',
        body: form({ image: blank(), reference: blank() }),
      });
      expect(files.status).toBe(415);
      expect(await body(files)).toMatchObject({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        detail: expect.stringContaining('POST /api/v1/inference/predict'),
      });
    },
  );

  it.skipIf(skip)('answers unknown ids, bad ids and unknown routes as problems', async () => {
    const unknown = await request(`/inference/${randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect((await body(unknown)).code).toBe('NOT_FOUND');
    const bad = await request('/inference/not-a-uuid');
    expect(bad.status).toBe(400);
    expect((await body(bad)).errors).toEqual([expect.objectContaining({ field: 'id', in: 'path' })]);
    const route = await service.app.request('/api/v1/nothing-here');
    expect(route.status).toBe(404);
    expect((await body(route)).code).toBe('NOT_FOUND');
  });

  it.skipIf(skip)('answers a cancel of a finished single result with 409 CONFLICT', async () => {
    const result = await await body(await predict(form({ image: blank(), reference: blank() })));
    const response = await request(`/inference/${result.id}/cancel`, { method: 'POST' });
    expect(response.status).toBe(409);
    expect((await body(response)).code).toBe('CONFLICT');
    const missing = await request(`/inference/${randomUUID()}/cancel`, { method: 'POST' });
    expect(missing.status).toBe(404);
  });

  it.skipIf(skip)('exports Prometheus metrics under the platform names', async () => {
    const response = await service.app.request('/metrics');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(
      /inference_requests_total\{model_name="diff_detector",model_version="1",status="success"\} \d+/,
    );
    expect(text).toMatch(
      /inference_requests_total\{model_name="diff_detector",model_version="",status="failure"\} \d+|inference_requests_total\{model_name="diff_detector",model_version="\d*",status="failure"\}/,
    );
    expect(text).toContain(
      'model_inference_latency_seconds_bucket{le="0.01",model_name="diff_detector",model_version="1"}',
    );
    expect(text).toContain('model_inference_latency_seconds_bucket{le="10",');
    expect(text).toContain('prediction_confidence_bucket');
  });
});
