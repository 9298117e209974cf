/**
 * The worker and the engine's dynamic batcher, made deterministic with batchers that wait up to
 * 60 s for a full batch. With a preferred size of 8 and two items, both sit in the engine's queue
 * (in flight) until a cancel aborts them: nothing is stored for them. With a preferred size of 4
 * and the worker's concurrency of 4, the four items of a batch run as one engine batch.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/start-service.js';
import { base64, body, jsonBody } from './helpers/http.js';
import { blank, topLeftDefect } from './helpers/png.js';
import { databaseKinds } from './helpers/test-databases.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';
import { waitFor } from './helpers/wait-for.js';

describe.each(databaseKinds)('cancel in flight on $kind', ({ kind, skip }) => {
  let env: TestEnvironment;
  let service: RunningService;

  beforeAll(async () => {
    if (skip) return;
    env = await createTestEnvironment(kind, ['diff_detector'], { BATCH_CONCURRENCY: '4' });
    await cp(path.join(env.repository, 'diff_detector'), path.join(env.repository, 'held_for_4'), {
      recursive: true,
    });
    // Batchers that wait up to 60 s for `preferred` requests: only a full batch runs before that.
    const hold = async (name: string, preferred: number) => {
      const file = path.join(env.repository, name, 'config.pbtxt');
      const text = (await readFile(file, 'utf8')).replace('name: "diff_detector"', `name: "${name}"`);
      const batching = `dynamic_batching { preferred_batch_size: [ ${preferred} ] max_queue_delay_microseconds: 60000000 }`;
      await writeFile(file, text.replace(/dynamic_batching \{[^}]*\}/, batching));
    };
    await hold('diff_detector', 8);
    await hold('held_for_4', 4);
    service = await env.start({ worker: { pollMs: 10 }, defaultModel: 'diff_detector' });
  });
  afterAll(async () => {
    await service?.stop({ drainMs: 0 });
    await env?.dispose();
  });

  it.skipIf(skip)('aborts the engine calls of a cancelled batch and stores nothing for them', async () => {
    const pair = { image: base64(topLeftDefect()), reference: base64(blank()) };
    const accepted = await body(
      await service.app.request(
        '/api/v1/inference/batch',
        jsonBody('POST', { model: 'diff_detector', items: [pair, pair] }),
      ),
    );
    const worker = service.services.worker;
    await waitFor(async () => (worker?.inFlightCount === 2 ? true : undefined), 'both items in flight');
    const response = await service.app.request(`/api/v1/inference/${accepted.id}/cancel`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await body(response)).toMatchObject({
      status: 'cancelled',
      cancelled_items: 0,
      aborted_in_flight: 2,
      already_finished: 0,
    });
    // Well before the batcher's 60 s delay: the abort freed them.
    await waitFor(async () => (worker?.inFlightCount === 0 ? true : undefined), 'the aborted items to leave');
    const batch = await body(await service.app.request(`/api/v1/inference/${accepted.id}`));
    expect(batch.progress).toMatchObject({ cancelled: 2, completed: 0, processing: 0 });
    const stored = await service.database.db
      .selectFrom('inferences')
      .select('id')
      .where('batch_id', '=', accepted.id)
      .execute();
    expect(stored).toEqual([]);
    expect(worker?.processed).toBe(0);
  });

  it.skipIf(skip)("runs the worker's concurrent items as one engine batch", async () => {
    const pair = { image: base64(topLeftDefect()), reference: base64(blank()) };
    const accepted = await body(
      await service.app.request(
        '/api/v1/inference/batch',
        jsonBody('POST', { model: 'held_for_4', items: [pair, pair, pair, pair] }),
      ),
    );
    const batch = await waitFor(async () => {
      const b = await body(await service.app.request(`/api/v1/inference/${accepted.id}`));
      return b.status === 'completed' ? b : undefined;
    }, 'the batch to complete');
    expect(batch.progress.completed).toBe(4);
    const metrics = await body(await service.app.request('/api/v1/monitoring/models/held_for_4/metrics'));
    expect(metrics.engine[0].batch_sizes).toEqual([{ batch_size: 4, count: 1 }]);
  });
});
