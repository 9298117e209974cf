/**
 * The batch worker's own behaviour against the real engine and database: a wake-up is never
 * lost, orphaned items come back fast, a poison item ends `failed` with its reason after a
 * capped number of attempts, and items whose model is unloaded wait instead of failing.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/observability/logger.js';
import { createServiceMetrics } from '../src/observability/service-metrics.js';
import { claimBatchItems } from '../src/repositories/batch-queue-repository.js';
import { BatchWorker, type BatchWorkerOptions } from '../src/services/batch-worker.js';
import { createInspectionRunner } from '../src/services/inspection-runner.js';
import type { RunningService } from '../src/start-service.js';
import { BlobStore } from '../src/storage/blob-store.js';
import { base64, body, jsonBody } from './helpers/http.js';
import { blank, topLeftDefect } from './helpers/png.js';
import { QueryGate } from './helpers/query-gate.js';
import { databaseKinds, hasPostgres } from './helpers/test-databases.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';
import { waitFor } from './helpers/wait-for.js';

const pair = { image: base64(topLeftDefect()), reference: base64(blank()) };
const anHour = 3_600_000;

/** A worker of its own on a service started without one (an API-only replica plus this worker). */
function workerFor(service: RunningService, options: Partial<BatchWorkerOptions> = {}): BatchWorker {
  const { config } = service.services;
  const metrics = createServiceMetrics();
  return new BatchWorker({
    db: service.database.db,
    events: service.services.events,
    blobs: new BlobStore(path.join(config.dataDir, 'blobs')),
    run: createInspectionRunner({
      inspector: service.inspector,
      metrics,
      imageMaxBytes: config.imageMaxBytes,
      timeoutMs: config.inferenceTimeoutMs,
      confidenceThreshold: config.confidenceThreshold,
      defaultModel: 'diff_detector',
    }),
    logger: createLogger('silent'),
    metrics,
    ...options,
  });
}

async function submit(service: RunningService, items: unknown[], model = 'diff_detector'): Promise<string> {
  const response = await service.app.request('/api/v1/inference/batch', jsonBody('POST', { model, items }));
  expect(response.status).toBe(202);
  return (await body(response)).id;
}

async function batchView(service: RunningService, id: string) {
  return body(await service.app.request(`/api/v1/inference/${id}?limit=500`));
}

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function startApiOnly(kind: 'pglite' | 'postgres', env?: Record<string, string>) {
  const environment: TestEnvironment = await createTestEnvironment(kind, ['diff_detector'], env);
  cleanups.push(() => environment.dispose());
  const service = await environment.start({ worker: false });
  cleanups.push(() => service.stop());
  return { environment, service };
}

// The gate holds a query's result while keeping its connection: PGlite's one connection would
// block the test's own requests, so this runs where the pool has more than one.
describe.skipIf(!hasPostgres)('batch worker wake-ups on postgres', () => {
  it('starts a batch queued while the worker was claiming, without waiting for the next poll', async () => {
    const { service } = await startApiOnly('postgres');
    const gate = new QueryGate();
    const worker = workerFor(service, { db: service.database.db.withPlugin(gate), pollMs: anHour });
    const held = gate.arm();
    worker.start();
    cleanups.push(() => worker.stop({ drainMs: 0 }));
    // The worker's first claim ran on an empty queue; its answer is held: the loop is mid-claim.
    const release = await held;
    const id = await submit(service, [pair]);
    worker.notify(); // what the batch service does after storing a batch
    release();
    const done = await waitFor(
      async () => ((await batchView(service, id)).status === 'completed' ? true : undefined),
      'the batch to complete without waiting an hour for the next poll',
      400,
    );
    expect(done).toBe(true);
  });
});

describe.each(databaseKinds)('batch recovery on $kind', ({ kind, skip }) => {
  it.skipIf(skip)('picks up an item orphaned by a crashed replica within one (default) lease', async () => {
    const { environment, service } = await startApiOnly(kind);
    const id = await submit(service, [pair]);
    // A replica claimed the item with the configured lease, then died (no heartbeat, no outcome).
    const [orphan] = await claimBatchItems(service.database.db, {
      owner: 'crashed-replica',
      limit: 1,
      leaseMs: environment.config.batchLeaseMs,
    });
    expect(orphan).toBeDefined();
    const worker = workerFor(service, { leaseMs: environment.config.batchLeaseMs, pollMs: 100 });
    worker.start();
    cleanups.push(() => worker.stop({ drainMs: 0 }));
    // Bounded: well under the 60 s lease items used to wait, above the 10 s default and CI noise.
    const batch = await waitFor(
      async () => {
        const view = await batchView(service, id);
        return view.status === 'completed' ? view : undefined;
      },
      'the orphaned item to be claimed again and completed',
      25 * 40,
    );
    expect(batch.items[0]).toMatchObject({ status: 'completed', attempts: 2 });
  });

  it.skipIf(skip)(
    'keeps the items of an unloaded model waiting, then runs them once it is loaded',
    async () => {
      const { service } = await startApiOnly(kind);
      await service.inspector.engine.unloadModel('diff_detector');
      const worker = workerFor(service, { pollMs: 50, retryDelayMs: 100 });
      worker.start();
      cleanups.push(() => worker.stop({ drainMs: 0 }));
      const id = await submit(service, [pair, pair]);
      const waiting = await waitFor(
        async () => {
          const view = await batchView(service, id);
          const shown = view.items.every(
            (i: { status: string; error: { code: string } | null }) =>
              i.status === 'queued' && i.error?.code === 'MODEL_NOT_READY',
          );
          return shown ? view : undefined;
        },
        'both items to wait for the model, showing why',
        200,
      );
      expect(waiting.status).not.toBe('failed');
      await service.inspector.engine.loadModel('diff_detector');
      const done = await waitFor(async () => {
        const view = await batchView(service, id);
        return view.status === 'completed' ? view : undefined;
      }, 'the batch to complete once the model is loaded');
      expect(done.progress).toMatchObject({ completed: 2, failed: 0 });
      expect(
        done.items.every((i: { attempts: number; error: unknown }) => i.attempts === 1 && i.error === null),
      ).toBe(true);
    },
  );
});
