/**
 * PostgreSQL stopped and restarted under the service while predicts and a batch run: while it
 * is down every predict answers 503 with Retry-After (never 500), no accepted work is lost
 * (every 200 predict can be read back, every batch item ends completed exactly once), and
 * predicts succeed again within 5 s of the restart (polled, bounded).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../services/inference/src/config/load-config.js';
import { createLogger } from '../../services/inference/src/observability/logger.js';
import { type RunningService, startService } from '../../services/inference/src/start-service.js';
import { form } from '../../services/inference/test/helpers/http.js';
import { blank, topLeftDefect } from '../../services/inference/test/helpers/png.js';
import { fixturesDir } from '../../services/inference/test/helpers/test-service.js';
import {
  hasPostgresBinaries,
  type PostgresServer,
  postgresBin,
  startPostgresServer,
} from './support/postgres-server.js';

if (!hasPostgresBinaries) console.warn(`[chipq] PostgreSQL fault tests skipped: no pg_ctl in ${postgresBin}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!hasPostgresBinaries)('the service across a PostgreSQL restart', () => {
  let server: PostgresServer;
  let service: RunningService;
  let dir: string;

  beforeAll(async () => {
    server = await startPostgresServer();
    dir = await mkdtemp(path.join(os.tmpdir(), 'chipq-fault-'));
    const config = loadConfig(
      {
        DATABASE_URL: server.url,
        MODEL_REPOSITORY: path.join(fixturesDir),
        DATA_DIR: path.join(dir, 'data'),
        BATCH_CONCURRENCY: '2',
      },
      dir,
    );
    service = await startService({
      config,
      defaultModel: 'diff_detector',
      logger: createLogger('silent'),
      worker: { pollMs: 100 },
    });
  });
  afterAll(async () => {
    await service?.stop({ drainMs: 0 });
    await server?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const predict = () =>
    service.app.request('/api/v1/inference/predict', {
      method: 'POST',
      body: form({ image: topLeftDefect(), reference: blank(), model: 'diff_detector' }),
    });

  it('answers 503 with Retry-After while down, loses nothing, and recovers within 5 s', async () => {
    const image = Buffer.from(topLeftDefect()).toString('base64');
    const reference = Buffer.from(blank()).toString('base64');
    const items = Array.from({ length: 24 }, (_, i) => ({ image, reference, filename: `item-${i}.png` }));
    const submitted = await service.app.request('/api/v1/inference/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'diff_detector', items }),
    });
    expect(submitted.status).toBe(202);
    const batchId = ((await submitted.json()) as { id: string }).id;

    // Predicts from two clients all along; every answer is recorded.
    const accepted: string[] = [];
    const statuses = new Map<number, number>();
    let retryAfterMissing = 0;
    let clients = true;
    const client = async () => {
      while (clients) {
        const response = await predict();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 200) accepted.push(((await response.json()) as { id: string }).id);
        else {
          if (response.status === 503 && response.headers.get('retry-after') === null) retryAfterMissing += 1;
          await response.body?.cancel();
          await sleep(50);
        }
      }
    };
    const running = [client(), client()];
    await sleep(1500);

    await server.stop();
    const whileDown: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await predict();
      whileDown.push(response.status);
      expect(response.headers.get('retry-after')).not.toBeNull();
      await response.body?.cancel();
      await sleep(300);
    }
    await server.start();
    const restartedAt = performance.now();
    let recoveredMs: number | undefined;
    while (performance.now() - restartedAt < 5000) {
      const response = await predict();
      if (response.status === 200) {
        recoveredMs = performance.now() - restartedAt;
        accepted.push(((await response.json()) as { id: string }).id);
        break;
      }
      await response.body?.cancel();
      await sleep(100);
    }
    clients = false;
    await Promise.all(running);

    let batch:
      | {
          status: string;
          progress: Record<string, number>;
          items: Array<{ status: string; attempts: number }>;
        }
      | undefined;
    const batchDeadline = performance.now() + 60_000;
    while (performance.now() < batchDeadline) {
      batch = (await (
        await service.app.request(`/api/v1/inference/${batchId}?limit=100`)
      ).json()) as typeof batch;
      if (batch && ['completed', 'failed', 'cancelled'].includes(batch.status)) break;
      await sleep(200);
    }
    const batchDoneMs = performance.now() - restartedAt;

    const readBack = await Promise.all(
      accepted.map(async (id) => (await service.app.request(`/api/v1/inference/${id}`)).status),
    );
    const stored = await service.database.db
      .selectFrom('inferences')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('batch_id', '=', batchId)
      .executeTakeFirstOrThrow();
    console.info(
      `[chipq] postgres restart: predicts ${JSON.stringify(Object.fromEntries(statuses))}, while down ${whileDown.join(',')}, ` +
        `recovered in ${recoveredMs?.toFixed(0)} ms, batch finished ${batchDoneMs.toFixed(0)} ms after the restart, ` +
        `attempts ${JSON.stringify(batch?.items.map((i) => i.attempts))}`,
    );
    expect(whileDown.every((s) => s === 503)).toBe(true);
    expect(statuses.has(500)).toBe(false);
    expect(retryAfterMissing).toBe(0);
    expect(recoveredMs).toBeDefined();
    expect(readBack.every((s) => s === 200)).toBe(true);
    expect(batch?.status).toBe('completed');
    expect(batch?.progress).toMatchObject({ total: 24, completed: 24, failed: 0 });
    expect(Number(stored.n)).toBe(24);
  });
});
