/**
 * Backpressure on the API (issue 10, item 4): the embedded engine honours the model's
 * config.pbtxt queue policy as Triton does, and the service turns its refusals into 429
 * problem+json with Retry-After. Real service, real onnxruntime, PGlite.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/start-service.js';
import { body, form } from './helpers/http.js';
import { blank, topLeftDefect } from './helpers/png.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';
import { waitFor } from './helpers/wait-for.js';

describe('queue policy on the API', () => {
  let env: TestEnvironment;
  let service: RunningService;
  const predict = () =>
    service.app.request('/api/v1/inference/predict', {
      method: 'POST',
      body: form({ image: topLeftDefect(), reference: blank(), model: 'diff_detector' }),
    });

  beforeAll(async () => {
    env = await createTestEnvironment('pglite', ['diff_detector']);
    const file = path.join(env.repository, 'diff_detector', 'config.pbtxt');
    const config = (await readFile(file, 'utf8')).replace(
      /dynamic_batching \{[^\n]*\}/,
      // Batches wait 60 s to fill to 8, so requests stay queued; at most 2 may wait, for 5 s.
      `dynamic_batching {
        preferred_batch_size: [ 8 ]
        max_queue_delay_microseconds: 60000000
        default_queue_policy { max_queue_size: 2 default_timeout_microseconds: 5000000 timeout_action: REJECT }
      }`,
    );
    await writeFile(file, config);
    service = await env.start({ worker: false });
  });
  afterAll(async () => {
    await service?.stop({ drainMs: 0 });
    await env?.dispose();
  });

  it('a full queue answers 429 RESOURCE_EXHAUSTED with Retry-After; queued requests that time out too', async () => {
    const queued = [predict(), predict()];
    await waitFor(
      async () =>
        (service.inspector.engine.queueDepths?.().get('diff_detector') ?? 0) >= 2 ? true : undefined,
      'two requests in the engine queue',
    );
    const refused = await predict();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await body(refused)).toMatchObject({ status: 429, code: 'RESOURCE_EXHAUSTED' });
    // The queued two waited past the 5 s queue timeout (REJECT): refused the same way, not 500.
    for (const response of await Promise.all(queued)) {
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).not.toBeNull();
    }
  });
});
