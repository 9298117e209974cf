/**
 * Answers to bodies the service will not read: each names what was too large or of the wrong
 * type with its own code and title, and points at a setting that exists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import type { RunningService } from '../src/start-service.js';
import { body } from './helpers/http.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';

describe('request limits and media types', () => {
  let env: TestEnvironment;
  let service: RunningService;
  const request = (p: string, init?: RequestInit) => service.app.request(`/api/v1${p}`, init);
  const bigBody = () => {
    const data = new FormData();
    data.append('name', 'too_big');
    data.append('model', new Blob([new Uint8Array(8 * 1024)]), 'model.onnx');
    return data;
  };

  beforeAll(async () => {
    env = await createTestEnvironment('pglite', ['diff_detector'], {
      MODEL_UPLOAD_MAX_SIZE: '4KiB',
      BATCH_MAX_BODY: '4KiB',
    });
    service = await env.start({ worker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  it.each([
    ['/models/deploy', 'MODEL_UPLOAD_MAX_SIZE'],
    ['/inference/batch', 'BATCH_MAX_BODY'],
    ['/inference/batch/files', 'BATCH_MAX_BODY'],
  ])('%s above its limit is PAYLOAD_TOO_LARGE, naming %s', async (route, variable) => {
    const response = await request(route, { method: 'POST', body: bigBody() });
    expect(response.status).toBe(413);
    const problem = await body(response);
    expect(problem).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', title: 'Request body too large' });
    expect(problem.detail).toContain(variable);
    // The variable the message names is one the service reads.
    expect(Object.values(loadConfig({ [variable]: '1234' }))).toContain(1234);
  });

  it('answers a content type the operation does not take with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await request('/inference/predict', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await body(response)).toMatchObject({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      title: 'Unsupported media type',
    });
  });
});
