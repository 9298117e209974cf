/**
 * GET /inference/{id}/image: with IMAGE_STORE_DIR the service keeps what it inspected (predict
 * and batch items) and gives it back byte for byte with its media type; beyond
 * IMAGE_STORE_MAX_SIZE the least recently stored images go first; without a store, or for a
 * reference never sent, a 404 problem says why. PGlite only: nothing here depends on the database.
 */
import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/observability/logger.js';
import type { RunningService } from '../src/start-service.js';
import { BlobStore, sha256 } from '../src/storage/blob-store.js';
import { createImageKeeper } from '../src/storage/image-keeper.js';
import { base64, body, form, jsonBody } from './helpers/http.js';
import { blank, greyPng, topLeftDefect } from './helpers/png.js';
import { tempDir } from './helpers/temp-dir.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';
import { waitFor } from './helpers/wait-for.js';

describe('result images kept in IMAGE_STORE_DIR', () => {
  let env: TestEnvironment;
  let service: RunningService;
  let store: Awaited<ReturnType<typeof tempDir>>;
  const request = (p: string, init?: RequestInit) => service.app.request(`/api/v1${p}`, init);

  beforeAll(async () => {
    store = await tempDir('chipq-images-');
    env = await createTestEnvironment('pglite', ['diff_detector'], { IMAGE_STORE_DIR: store.path });
    service = await env.start();
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
    await store?.remove();
  });

  it('gives back the image and the reference of a predict, byte for byte, cacheable for good', async () => {
    const image = topLeftDefect();
    const result = await body(
      await request('/inference/predict', { method: 'POST', body: form({ image, reference: blank() }) }),
    );
    const got = await request(`/inference/${result.id}/image`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('cache-control')).toContain('immutable');
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(image);
    const reference = await request(`/inference/${result.id}/image?which=reference`);
    expect(new Uint8Array(await reference.arrayBuffer())).toEqual(blank());

    const withoutReference = await body(
      await request('/inference/predict', {
        method: 'POST',
        body: form({ image: topLeftDefect(), model: 'diff_detector' }),
      }),
    );
    // diff_detector needs a reference: the failed result is stored, and has none to give back.
    const id = withoutReference.details?.inference_id ?? withoutReference.id;
    const none = await request(`/inference/${id}/image?which=reference`);
    expect(none.status).toBe(404);
    expect((await body(none)).details.reason).toBe('no_reference');
    expect((await request(`/inference/${result.id}/image?which=both`)).status).toBe(400);
  });

  it('keeps the images of batch items too', async () => {
    const image = greyPng(64, 64, (x) => (x < 8 ? 255 : 0));
    const accepted = await body(
      await request(
        '/inference/batch',
        jsonBody('POST', {
          model: 'diff_detector',
          items: [{ image: base64(image), reference: base64(blank()) }],
        }),
      ),
    );
    const item = await waitFor(async () => {
      const batch = await body(await request(`/inference/${accepted.id}`));
      return batch.status === 'completed' ? batch.items[0] : undefined;
    }, 'the batch');
    const got = await request(`/inference/${item.result.id}/image`);
    expect(got.status).toBe(200);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(image);
  });

  it('evicts the least recently stored images beyond the cap', async () => {
    const dir = await tempDir('chipq-cap-');
    try {
      const blobs = new BlobStore(dir.path);
      const images = [1, 2, 3].map((n) => greyPng(32, 32, (x) => (x * n) % 256));
      const size = Math.max(...images.map((i) => i.byteLength));
      const keeper = createImageKeeper({ store: blobs, maxBytes: 2 * size, logger: createLogger('silent') });
      for (const [n, image] of images.entries()) {
        await blobs.put(image);
        const at = new Date(Date.UTC(2026, 0, 1, 0, n));
        await utimes(path.join(dir.path, sha256(image)), at, at);
      }
      const freed = await keeper.sweep();
      expect(freed.deleted).toBe(1);
      expect(await blobs.has(sha256(images[0] as Uint8Array))).toBe(false);
      expect(await blobs.has(sha256(images[1] as Uint8Array))).toBe(true);
      expect(await blobs.has(sha256(images[2] as Uint8Array))).toBe(true);
    } finally {
      await dir.remove();
    }
  });
});

describe('result images without IMAGE_STORE_DIR', () => {
  let env: TestEnvironment;
  let service: RunningService;
  beforeAll(async () => {
    env = await createTestEnvironment('pglite', ['diff_detector']);
    service = await env.start({ worker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  it('answers 404 not_kept, and 404 no_result for an unknown id', async () => {
    const result = await body(
      await service.app.request('/api/v1/inference/predict', {
        method: 'POST',
        body: form({ image: topLeftDefect(), reference: blank() }),
      }),
    );
    const response = await service.app.request(`/api/v1/inference/${result.id}/image`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect((await body(response)).details).toMatchObject({ reason: 'not_kept', sha256: result.image.sha256 });
    const unknown = await service.app.request('/api/v1/inference/0f8c4e1a-3b7d-4c2e-9a51-6d0e2f7b8c90/image');
    expect((await body(unknown)).details.reason).toBe('no_result');
  });
});
