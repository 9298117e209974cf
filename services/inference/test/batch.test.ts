/**
 * POST /inference/batch, GET /inference/{id} for batches and cancel, on PGlite and PostgreSQL
 * with the real worker and engine: results per item, pagination, validation, idempotent
 * cancel, and durability across a stop and a crashed replica (nothing lost, nothing twice).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimBatchItems } from '../src/repositories/batch-queue-repository.js';
import type { RunningService } from '../src/start-service.js';
import { base64, body, form, jsonBody } from './helpers/http.js';
import { blank, topLeftDefect } from './helpers/png.js';
import { databaseKinds } from './helpers/test-databases.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';
import { waitFor } from './helpers/wait-for.js';

const pair = { image: base64(topLeftDefect()), reference: base64(blank()) };

async function batchWhen(
  service: RunningService,
  id: string,
  done: (batch: { status: string; progress: Record<string, number> }) => boolean,
) {
  return waitFor(async () => {
    const batch = await body(await service.app.request(`/api/v1/inference/${id}?limit=500`));
    return done(batch) ? batch : undefined;
  }, `batch ${id}`);
}

const finished = (b: { status: string }) => ['completed', 'failed', 'cancelled'].includes(b.status);

describe.each(databaseKinds)('batches on $kind', ({ kind, skip }) => {
  let env: TestEnvironment;
  let service: RunningService;
  const request = (p: string, init?: RequestInit) => service.app.request(`/api/v1${p}`, init);

  beforeAll(async () => {
    if (skip) return;
    env = await createTestEnvironment(kind, ['diff_detector'], { IMAGE_MAX_SIZE: '30000' });
    service = await env.start();
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  it.skipIf(skip)('accepts a JSON batch with 202 and processes every item, failures included', async () => {
    const items = [
      ...Array.from({ length: 4 }, (_, i) => ({ ...pair, filename: `defect-${i}.png`, die_x: i })),
      { image: base64(blank()), reference: base64(blank()), filename: 'clean.png' },
      {
        image: base64(new TextEncoder().encode('not an image')),
        reference: base64(blank()),
        filename: 'junk.png',
      },
    ];
    const response = await request(
      '/inference/batch',
      jsonBody('POST', { model: 'diff_detector', items, lot_id: 'ignored' }),
    );
    expect(response.status).toBe(202);
    const accepted = await body(response);
    expect(accepted).toMatchObject({
      kind: 'batch',
      item_count: 6,
      links: { self: `/api/v1/inference/${accepted.id}` },
    });
    expect(response.headers.get('location')).toBe(`/api/v1/inference/${accepted.id}`);

    const batch = await batchWhen(service, accepted.id, finished);
    expect(batch).toMatchObject({
      kind: 'batch',
      status: 'completed',
      model: { name: 'diff_detector', version: null },
    });
    expect(batch.progress).toEqual({
      total: 6,
      queued: 0,
      processing: 0,
      completed: 5,
      failed: 1,
      cancelled: 0,
      percent: 100,
    });
    expect(batch.finished_at).not.toBeNull();
    const byName = Object.fromEntries(batch.items.map((i: { filename: string }) => [i.filename, i]));
    expect(byName['defect-2.png'].result).toMatchObject({
      status: 'completed',
      batch_id: accepted.id,
      traceability: { die_x: 2 },
    });
    expect(byName['defect-2.png'].result.detections[0].defect_type).toBe('top_left');
    expect(byName['clean.png'].result.detections).toEqual([]);
    expect(byName['junk.png']).toMatchObject({
      status: 'failed',
      error: { code: 'UNSUPPORTED_IMAGE' },
      result: { status: 'failed' },
    });
    expect(batch.items.every((i: { attempts: number }) => i.attempts === 1)).toBe(true);

    const first = await body(await request(`/inference/${accepted.id}?limit=4`));
    expect(first.items.map((i: { position: number }) => i.position)).toEqual([0, 1, 2, 3]);
    expect(first.page).toEqual({ limit: 4, next_cursor: '3' });
    const second = await body(await request(`/inference/${accepted.id}?limit=4&cursor=3`));
    expect(second.items.map((i: { position: number }) => i.position)).toEqual([4, 5]);
    expect(second.page.next_cursor).toBeNull();
    const failedOnly = await body(await request(`/inference/${accepted.id}?status=failed`));
    expect(failedOnly.items.map((i: { filename: string }) => i.filename)).toEqual(['junk.png']);
  });

  it.skipIf(skip)('accepts a multipart batch with shared and per-image traceability', async () => {
    const data = form({
      image: [topLeftDefect(), blank()],
      reference: [blank(), blank()],
      lot_id: 'LOT-9',
      tags: 'line=A',
    });
    data.append(
      'metadata',
      JSON.stringify([
        { die_x: 1, die_y: 1 },
        { die_x: 1, die_y: 2, tags: { shift: 'night' } },
      ]),
    );
    const response = await request('/inference/batch/files', { method: 'POST', body: data });
    expect(response.status).toBe(202);
    const batch = await batchWhen(service, (await body(response)).id, finished);
    expect(batch.status).toBe('completed');
    expect(batch.items[0].result.traceability).toEqual({
      lot_id: 'LOT-9',
      wafer_id: null,
      die_x: 1,
      die_y: 1,
      station_id: null,
      tags: { line: 'A' },
    });
    expect(batch.items[1].result.traceability.tags).toEqual({ line: 'A', shift: 'night' });
    expect(batch.items[0].filename).toBe('image.png');
  });

  const invalid: Array<[string, () => RequestInit, number, string, string[]?]> = [
    ['an empty item list', () => jsonBody('POST', { items: [] }), 400, 'INVALID_INPUT', ['items']],
    [
      'bad items, listing every field',
      () => jsonBody('POST', { version: 'x', items: [{ image: '!!' }, { die_x: 1.5 }] }),
      400,
      'INVALID_INPUT',
      ['items.0.image', 'items.1.die_x', 'items.1.image', 'version'],
    ],
    [
      'references not matching the images',
      () => ({ method: 'POST', body: form({ image: [blank(), blank()], reference: blank() }) }),
      400,
      'INVALID_INPUT',
      ['reference'],
    ],
    [
      'metadata of the wrong length',
      () => ({ method: 'POST', body: form({ image: blank(), metadata: '[{},{}]' }) }),
      400,
      'INVALID_INPUT',
      ['metadata'],
    ],
    ['an unknown model', () => jsonBody('POST', { model: 'nope', items: [pair] }), 404, 'MODEL_NOT_FOUND'],
    [
      'an unknown version',
      () => jsonBody('POST', { model: 'diff_detector', version: '7', items: [pair] }),
      404,
      'MODEL_NOT_FOUND',
    ],
  ];
  it.skipIf(skip).each(invalid)('rejects %s', async (_name, init, status, code, fields) => {
    const request_ = init();
    // Files go to batchFiles, base64 JSON to batch.
    const response = await request(
      request_.body instanceof FormData ? '/inference/batch/files' : '/inference/batch',
      request_,
    );
    expect(response.status).toBe(status);
    const problem = await body(response);
    expect(problem.code).toBe(code);
    if (fields) expect(problem.errors.map((e: { field: string }) => e.field).sort()).toEqual(fields);
  });

  it.skipIf(skip)(
    'answers each batch form sent to the other operation with 415 naming the right path',
    async () => {
      const files = await request('/inference/batch', { method: 'POST', body: form({ image: blank() }) });
      expect(files.status).toBe(415);
      expect((await body(files)).detail).toContain('POST /api/v1/inference/batch/files');
      const json = await request('/inference/batch/files', jsonBody('POST', { items: [pair] }));
      expect(json.status).toBe(415);
      expect((await body(json)).detail).toContain('POST /api/v1/inference/batch');
    },
  );

  it.skipIf(skip)('rejects an image above IMAGE_MAX_SIZE before storing anything', async () => {
    const big = base64(new Uint8Array(40_000));
    const response = await request('/inference/batch', jsonBody('POST', { items: [pair, { image: big }] }));
    expect(response.status).toBe(413);
    expect(await body(response)).toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      details: { field: 'items.1.image' },
    });
  });

  it.skipIf(skip)('answers a cancel of a completed batch with 409 CONFLICT', async () => {
    const accepted = await body(await request('/inference/batch', jsonBody('POST', { items: [pair] })));
    await batchWhen(service, accepted.id, finished);
    const response = await request(`/inference/${accepted.id}/cancel`, { method: 'POST' });
    expect(response.status).toBe(409);
    expect(await body(response)).toMatchObject({ code: 'CONFLICT', details: { status: 'completed' } });
  });
});

describe.each(databaseKinds)('batch cancel and durability on $kind', ({ kind, skip }) => {
  let env: TestEnvironment;
  beforeAll(async () => {
    if (!skip) env = await createTestEnvironment(kind, ['diff_detector'], { BATCH_CONCURRENCY: '1' });
  });
  afterAll(async () => env?.dispose());

  it.skipIf(skip)('cancels queued items, idempotently, and says what it stopped', async () => {
    // No worker: every item stays queued until the cancel.
    const service = await env.start({ worker: false });
    try {
      const accepted = await body(
        await service.app.request('/api/v1/inference/batch', jsonBody('POST', { items: [pair, pair, pair] })),
      );
      const queued = await body(await service.app.request(`/api/v1/inference/${accepted.id}`));
      expect(queued).toMatchObject({ status: 'queued', progress: { queued: 3, percent: 0 } });
      const first = await service.app.request(`/api/v1/inference/${accepted.id}/cancel`, { method: 'POST' });
      expect(first.status).toBe(200);
      expect(await body(first)).toEqual({
        id: accepted.id,
        kind: 'batch',
        status: 'cancelled',
        cancelled_items: 3,
        aborted_in_flight: 0,
        already_finished: 0,
        already_cancelled: false,
      });
      const again = await service.app.request(`/api/v1/inference/${accepted.id}/cancel`, { method: 'POST' });
      expect(again.status).toBe(200);
      expect(await body(again)).toMatchObject({
        status: 'cancelled',
        cancelled_items: 0,
        aborted_in_flight: 0,
        already_cancelled: true,
      });
      const batch = await body(await service.app.request(`/api/v1/inference/${accepted.id}`));
      expect(batch).toMatchObject({ status: 'cancelled', progress: { cancelled: 3, percent: 100 } });
      expect(batch.cancel_requested_at).not.toBeNull();
      expect(
        batch.items.every(
          (i: { status: string; error: { code: string } }) =>
            i.status === 'cancelled' && i.error.code === 'CANCELLED',
        ),
      ).toBe(true);
    } finally {
      await service.stop();
    }
  });

  it.skipIf(skip)(
    'loses nothing and processes nothing twice across a stop and a crashed replica',
    async () => {
      const total = 8;
      const first = await env.start();
      const accepted = await body(
        await first.app.request(
          '/api/v1/inference/batch',
          jsonBody('POST', { items: Array.from({ length: total }, () => pair) }),
        ),
      );
      await batchWhen(first, accepted.id, (b) => (b.progress.completed ?? 0) >= 2);
      // Stop mid-batch without waiting: the in-flight item goes back to the queue.
      await first.stop({ drainMs: 0 });
      const processedFirst = first.services.worker?.processed ?? 0;
      expect(processedFirst).toBeGreaterThanOrEqual(2);

      // A replica that claims an item and dies: its lease is already expired.
      const crashed = await env.start({ worker: false });
      const stranded = await claimBatchItems(crashed.database.db, {
        owner: 'crashed-replica',
        limit: 1,
        leaseMs: -1000,
      });
      const unfinished = await crashed.database.db
        .selectFrom('batch_items')
        .select(['id', 'status'])
        .where('batch_id', '=', accepted.id)
        .where('status', '<>', 'completed')
        .execute();
      expect(unfinished.length).toBe(total - processedFirst);
      expect(unfinished.every((i) => i.status === 'queued' || i.id === stranded[0]?.id)).toBe(true);
      await crashed.stop();

      const second = await env.start();
      try {
        const batch = await batchWhen(second, accepted.id, finished);
        expect(batch.status).toBe('completed');
        expect(batch.progress.completed).toBe(total);
        expect(processedFirst + (second.services.worker?.processed ?? 0)).toBe(total);
        const stored = await second.database.db
          .selectFrom('inferences')
          .select(['batch_item_id'])
          .where('batch_id', '=', accepted.id)
          .execute();
        expect(stored).toHaveLength(total);
        expect(new Set(stored.map((s) => s.batch_item_id)).size).toBe(total);
        const items = await second.database.db
          .selectFrom('batch_items')
          .select(['id', 'attempts', 'inference_id'])
          .where('batch_id', '=', accepted.id)
          .execute();
        // attempts counts claims: 1, plus one per hand-back (the stop) and per expired lease (the crash).
        expect(items.filter((i) => i.inference_id === null || i.attempts < 1 || i.attempts > 3)).toEqual([]);
        expect(items.find((i) => i.id === stranded[0]?.id)?.attempts).toBeGreaterThanOrEqual(2);
        expect(items.filter((i) => i.attempts === 1).length).toBeGreaterThanOrEqual(total - 2);
      } finally {
        await second.stop();
      }
    },
  );

  it.skipIf(skip || kind === 'pglite')(
    'shares one queue between two replicas without processing an item twice',
    async () => {
      const [a, b] = await Promise.all([
        env.start({ worker: { pollMs: 10, concurrency: 2 } }),
        env.start({ worker: { pollMs: 10, concurrency: 2 } }),
      ]);
      try {
        const total = 12;
        const accepted = await body(
          await a.app.request(
            '/api/v1/inference/batch',
            jsonBody('POST', { items: Array.from({ length: total }, () => pair) }),
          ),
        );
        const batch = await batchWhen(b, accepted.id, finished);
        expect(batch.progress.completed).toBe(total);
        expect(batch.items.every((i: { attempts: number }) => i.attempts === 1)).toBe(true);
        expect((a.services.worker?.processed ?? 0) + (b.services.worker?.processed ?? 0)).toBe(total);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    },
  );
});
