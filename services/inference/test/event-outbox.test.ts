/**
 * The event outbox on the real service (diff_detector fixture), on PGlite and PostgreSQL, with
 * NATS_URL pointing at a port where no broker listens, so every event stays in the outbox to be
 * read: a completed predict and each completed batch item write one `chipq.inspection.completed`
 * (a failed inspection none), a batch writes one `chipq.batch.completed` when its last item
 * finishes, a promotion and a rollback one `chipq.model.promoted` each; every row is valid
 * CloudEvents data. Without NATS_URL nothing is written at all.
 */
import { appendFile, cp } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/start-service.js';
import { base64, body, form, jsonBody } from './helpers/http.js';
import { blank, topLeftDefect } from './helpers/png.js';
import { databaseKinds } from './helpers/test-databases.js';
import { adminHeaders, createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';
import { waitFor } from './helpers/wait-for.js';

const outbox = (service: RunningService) =>
  service.database.db.selectFrom('event_outbox').selectAll().orderBy('seq').execute();

const predict = (service: RunningService, image: Uint8Array, fields: Record<string, string> = {}) =>
  service.app.request('/api/v1/inference/predict', {
    method: 'POST',
    body: form({ image, reference: blank(), ...fields }),
  });

describe.each(databaseKinds)('the event outbox on $kind', ({ kind, skip }) => {
  let env: TestEnvironment;
  let service: RunningService;

  beforeAll(async () => {
    if (skip) return;
    // Port 1: nothing listens, so the relay keeps failing and the rows stay.
    env = await createTestEnvironment(kind, ['diff_detector'], { NATS_URL: 'nats://127.0.0.1:1' });
    const folder = path.join(env.repository, 'diff_detector');
    await cp(path.join(folder, '1'), path.join(folder, '2'), { recursive: true });
    await appendFile(
      path.join(folder, 'config.pbtxt'),
      '\nversion_policy: { latest { num_versions: 2 } }\nparameters { key: "chipq.default_version" value: { string_value: "1" } }\n',
    );
    service = await env.start();
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  it.skipIf(skip)('writes one inspection.completed per completed result, none for a failure', async () => {
    const response = await predict(service, topLeftDefect(), {
      lot_id: 'EV-L1',
      wafer_id: 'W1',
      die_x: '2',
      die_y: '3',
    });
    const result = await body(response);
    expect((await predict(service, new Uint8Array([1, 2, 3]))).status).toBe(422);
    const rows = await outbox(service);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      type: 'chipq.inspection.completed',
      partition_key: 'lot:EV-L1',
      subject: `lots/EV-L1/wafers/W1/results/${result.id}`,
      data: {
        result_id: result.id,
        lot_id: 'EV-L1',
        wafer_id: 'W1',
        die_x: 2,
        die_y: 3,
        model: { name: 'diff_detector', version: result.model.version },
        verdict: { status: 'FAIL' },
        defect_count: 1,
        defects_by_class: { top_left: 1 },
      },
    });
  });

  it.skipIf(skip)('writes batch.completed once, with the last item', async () => {
    const before = (await outbox(service)).length;
    const items = [topLeftDefect(), blank()].map((image) => ({
      image: base64(image),
      reference: base64(blank()),
    }));
    const accepted = await body(
      await service.app.request('/api/v1/inference/batch', jsonBody('POST', { items })),
    );
    await waitFor(async () => {
      const batch = await body(await service.app.request(`/api/v1/inference/${accepted.id}`));
      return batch.status === 'completed' ? batch : undefined;
    }, 'the batch to complete');
    const rows = (await outbox(service)).slice(before);
    expect(rows.map((r) => r.type)).toEqual([
      'chipq.inspection.completed',
      'chipq.inspection.completed',
      'chipq.batch.completed',
    ]);
    expect(rows[2]?.data).toMatchObject({
      batch_id: accepted.id,
      status: 'completed',
      item_count: 2,
      completed: 2,
    });
  });

  it.skipIf(skip)('writes model.promoted for a promotion and a rollback', async () => {
    const before = (await outbox(service)).length;
    const post = (p: string, value: unknown) =>
      service.app.request(`/api/v1${p}`, {
        method: 'POST',
        body: JSON.stringify(value),
        headers: { ...adminHeaders, 'content-type': 'application/json' },
      });
    expect(
      (await post('/models/diff_detector/promote', { version: '2', reason: 'canary passed' })).status,
    ).toBe(200);
    expect((await post('/models/diff_detector/rollback', { reason: 'back' })).status).toBe(200);
    const rows = (await outbox(service)).slice(before);
    expect(rows.map((r) => [r.type, (r.data as { action: string }).action])).toEqual([
      ['chipq.model.promoted', 'promoted'],
      ['chipq.model.promoted', 'rolled_back'],
    ]);
  });
});

describe.each(databaseKinds)('events off on $kind', ({ kind, skip }) => {
  it.skipIf(skip)('writes nothing to the outbox without NATS_URL', async () => {
    const env = await createTestEnvironment(kind, ['diff_detector']);
    const service = await env.start({ worker: false });
    try {
      expect((await predict(service, topLeftDefect(), { lot_id: 'EV-OFF' })).status).toBe(200);
      expect(await outbox(service)).toEqual([]);
      expect(service.services.relay).toBeUndefined();
    } finally {
      await service.stop();
      await env.dispose();
    }
  });
});
