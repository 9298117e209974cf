/**
 * The batch worker's own behaviour against the real engine and database: a wake-up is never
 * lost, orphaned items come back fast, a poison item ends `failed` with its reason after a
 * capped number of attempts, and items whose model is unloaded wait instead of failing.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/observability/logger.js';
import { createServiceMetrics } from '../src/observability/service-metrics.js';
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
