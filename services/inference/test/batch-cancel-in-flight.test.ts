/**
 * Cancel aborts engine calls in flight. The model here is diff_detector with a dynamic batcher
 * that waits up to 60 s for a batch of 8, so the two items of a batch sit in the engine's queue
 * (in flight, deterministically) until the cancel aborts them; nothing is stored for them.
 */
import { readFile, writeFile } from 'node:fs/promises';
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
    env = await createTestEnvironment(kind, ['diff_detector'], { BATCH_CONCURRENCY: '2' });
    const configFile = path.join(env.repository, 'diff_detector', 'config.pbtxt');
    const config = await readFile(configFile, 'utf8');
    await writeFile(
      configFile,
      config.replace(
        /dynamic_batching \{[^}]*\}/,
        'dynamic_batching { preferred_batch_size: [ 8 ] max_queue_delay_microseconds: 60000000 }',
      ),
    );
    service = await env.start({ worker: { pollMs: 10 } });
  });
  afterAll(async () => {
    await service?.stop({ drainMs: 0 });
    await env?.dispose();
  });

  it.skipIf(skip)('aborts the engine calls of a cancelled batch and stores nothing for them', async () => {
    const pair = { image: base64(topLeftDefect()), reference: base64(blank()) };
    const accepted = await body(
      await service.app.request('/api/v1/inference/batch', jsonBody('POST', { items: [pair, pair] })),
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
});
