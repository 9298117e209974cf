/**
 * The batch queue's SQL against real PostgreSQL and PGlite: claims never overlap, expired
 * leases are reclaimed, an outcome is stored once, cancel reports what it stopped.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewBatchItem } from '../src/db/database.js';
import {
  claimBatchItems,
  finishBatchItem,
  releaseBatchItems,
  renewLeases,
} from '../src/repositories/batch-queue-repository.js';
import {
  cancelBatch,
  countBatchItems,
  findBatch,
  insertBatch,
  listBatchItems,
} from '../src/repositories/batch-repository.js';
import { insertInference } from '../src/repositories/inference-repository.js';
import { tempDir } from './helpers/temp-dir.js';
import {
  createPgliteDatabase,
  createPostgresDatabase,
  databaseKinds,
  type TestDatabase,
} from './helpers/test-databases.js';

function items(batchId: string, n: number): NewBatchItem[] {
  return Array.from({ length: n }, (_, position) => ({
    id: randomUUID(),
    batch_id: batchId,
    position,
    status: 'queued',
    image_sha256: `hash-${position}`,
    image_bytes: 10,
    tags: '{}',
  }));
}

async function newBatch(t: TestDatabase, n: number): Promise<string> {
  const id = randomUUID();
  await t.db
    .transaction()
    .execute((trx) =>
      insertBatch(
        trx,
        { id, status: 'queued', item_count: n, model_name: 'm', model_version: null },
        items(id, n),
      ),
    );
  return id;
}

function finish(
  t: TestDatabase,
  batchId: string,
  itemId: string,
  owner: string,
  options: { status?: 'completed' | 'failed'; beforeStore?: () => Promise<void> } = {},
) {
  const inferenceId = randomUUID();
  const status = options.status ?? 'completed';
  return t.db.transaction().execute((trx) =>
    finishBatchItem(trx, { itemId, batchId, owner, status, inferenceId }, async (trx) => {
      await options.beforeStore?.();
      return insertInference(trx, {
        id: inferenceId,
        batch_id: batchId,
        batch_item_id: itemId,
        status,
        image_sha256: 'h',
        image_bytes: 1,
        tags: '{}',
      });
    }),
  );
}

describe.each(databaseKinds)('batch queue on $kind', ({ kind, skip }) => {
  let t: TestDatabase;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    if (skip) return;
    dir = await tempDir();
    t = kind === 'pglite' ? await createPgliteDatabase(dir.path) : await createPostgresDatabase();
  });
  afterAll(async () => {
    await t?.dispose();
    await dir?.remove();
  });

  it.skipIf(skip)('hands each item to one claimant only', async () => {
    const batchId = await newBatch(t, 5);
    const [a, b] = await Promise.all([
      claimBatchItems(t.db, { owner: 'a', limit: 3, leaseMs: 60_000 }),
      claimBatchItems(t.db, { owner: 'b', limit: 3, leaseMs: 60_000 }),
    ]);
    const ids = [...a, ...b].map((i) => i.id);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
    expect((await findBatch(t.db, batchId))?.status).toBe('processing');
    expect(await claimBatchItems(t.db, { owner: 'c', limit: 3, leaseMs: 60_000 })).toEqual([]);
    await releaseBatchItems(t.db, 'a');
    await releaseBatchItems(t.db, 'b');
    await t.db.transaction().execute((trx) => cancelBatch(trx, batchId));
  });

  it.skipIf(skip)('stores an outcome once, only for the lease holder', async () => {
    const batchId = await newBatch(t, 2);
    const claimed = await claimBatchItems(t.db, { owner: 'a', limit: 2, leaseMs: 60_000 });
    const [first, second] = claimed;
    expect(claimed.every((c) => c.model_name === 'm')).toBe(true);
    expect(await finish(t, batchId, first!.id, 'b')).toBe(false);
    expect(await finish(t, batchId, first!.id, 'a')).toBe(true);
    expect(await finish(t, batchId, first!.id, 'a')).toBe(false);
    expect((await findBatch(t.db, batchId))?.status).toBe('processing');
    expect(await finish(t, batchId, second!.id, 'a')).toBe(true);
    const batch = await findBatch(t.db, batchId);
    expect(batch?.status).toBe('completed');
    expect(batch?.finished_at).toBeInstanceOf(Date);
    const stored = await t.db.selectFrom('inferences').select('id').where('batch_id', '=', batchId).execute();
    expect(stored).toHaveLength(2);
  });

  it.skipIf(skip)('reclaims items whose lease expired, counting the attempt', async () => {
    const batchId = await newBatch(t, 1);
    const [dead] = await claimBatchItems(t.db, { owner: 'dead', limit: 1, leaseMs: -1000 });
    expect(dead?.attempts).toBe(1);
    const [alive] = await claimBatchItems(t.db, { owner: 'alive', limit: 1, leaseMs: 60_000 });
    expect(alive?.id).toBe(dead?.id);
    expect(alive?.attempts).toBe(2);
    expect(await renewLeases(t.db, 'dead', [dead!.id], 60_000)).toEqual([]);
    expect(await renewLeases(t.db, 'alive', [dead!.id], 60_000)).toEqual([dead!.id]);
    expect(await finish(t, batchId, dead!.id, 'dead')).toBe(false);
    expect(await finish(t, batchId, dead!.id, 'alive')).toBe(true);
  });

  it.skipIf(skip)('fails a poison item with its reason once its claims reach maxAttempts', async () => {
    const batchId = await newBatch(t, 1);
    // Three workers each claimed it and died before storing anything (their leases expired).
    for (const owner of ['dead-1', 'dead-2', 'dead-3']) {
      const [claimed] = await claimBatchItems(t.db, { owner, limit: 1, leaseMs: -1000, maxAttempts: 3 });
      expect(claimed?.attempts).toBe(Number(owner.at(-1)));
    }
    expect(await claimBatchItems(t.db, { owner: 'next', limit: 1, leaseMs: 60_000, maxAttempts: 3 })).toEqual(
      [],
    );
    const [item] = (await listBatchItems(t.db, batchId, { limit: 1 })).items;
    expect(item).toMatchObject({ status: 'failed', attempts: 3, error_code: 'INFERENCE_FAILED' });
    expect(item?.error_message).toMatch(/gave up after 3 attempts/);
    expect(await findBatch(t.db, batchId)).toMatchObject({ status: 'failed', failed_count: 1 });
  });

  it.skipIf(skip)('cancels queued and in-flight items and says what it stopped', async () => {
    const batchId = await newBatch(t, 4);
    const claimed = await claimBatchItems(t.db, { owner: 'a', limit: 2, leaseMs: 60_000 });
    expect(await finish(t, batchId, claimed[0]!.id, 'a')).toBe(true);
    const outcome = await t.db.transaction().execute((trx) => cancelBatch(trx, batchId));
    expect(outcome).toMatchObject({
      alreadyFinished: 1,
      alreadyCancelled: false,
      previousStatus: 'processing',
    });
    expect(outcome?.cancelledQueued).toHaveLength(2);
    expect(outcome?.cancelledProcessing).toEqual([claimed[1]!.id]);
    expect(await finish(t, batchId, claimed[1]!.id, 'a')).toBe(false);
    expect(await countBatchItems(t.db, batchId)).toEqual({
      queued: 0,
      processing: 0,
      completed: 1,
      failed: 0,
      cancelled: 3,
    });
    expect((await findBatch(t.db, batchId))?.status).toBe('cancelled');
    const again = await t.db.transaction().execute((trx) => cancelBatch(trx, batchId));
    expect(again).toMatchObject({ cancelledQueued: [], cancelledProcessing: [], alreadyCancelled: true });
  });

  it.skipIf(skip)('leaves a finished batch alone on cancel', async () => {
    const batchId = await newBatch(t, 1);
    const [item] = await claimBatchItems(t.db, { owner: 'a', limit: 1, leaseMs: 60_000 });
    await finish(t, batchId, item!.id, 'a');
    const outcome = await t.db.transaction().execute((trx) => cancelBatch(trx, batchId));
    expect(outcome).toMatchObject({ previousStatus: 'completed', alreadyFinished: 1, cancelledQueued: [] });
    expect((await findBatch(t.db, batchId))?.cancel_requested_at).toBeNull();
    expect(await t.db.transaction().execute((trx) => cancelBatch(trx, randomUUID()))).toBeUndefined();
  });

  it.skipIf(skip)(
    'keeps progress counters equal to the items, with four replicas finishing at once',
    async () => {
      const batchId = await newBatch(t, 40);
      const owners = ['a', 'b', 'c', 'd'];
      await Promise.all(
        owners.map(async (owner, o) => {
          for (;;) {
            const claimed = await claimBatchItems(t.db, { owner, limit: 3, leaseMs: 60_000 });
            if (claimed.length === 0) return;
            for (const [i, item] of claimed.entries()) {
              const status = (o + i) % 4 === 0 ? 'failed' : 'completed';
              expect(await finish(t, batchId, item.id, owner, { status })).toBe(true);
            }
          }
        }),
      );
      const counts = await countBatchItems(t.db, batchId);
      const batch = await findBatch(t.db, batchId);
      expect(counts.completed + counts.failed).toBe(40);
      expect(batch).toMatchObject({
        status: 'completed',
        completed_count: counts.completed,
        failed_count: counts.failed,
        cancelled_count: 0,
      });
      expect(batch?.finished_at).toBeInstanceOf(Date);
    },
  );

  // PGlite serves one connection: there, finishes are serial by construction.
  it.skipIf(skip || kind === 'pglite')(
    "finishes an item while another replica's finish of the same batch is still open",
    async () => {
      const batchId = await newBatch(t, 2);
      const [first, second] = await claimBatchItems(t.db, { owner: 'a', limit: 2, leaseMs: 60_000 });
      let release: () => void = () => {};
      let entered: () => void = () => {};
      const inStore = new Promise<void>((resolve) => (entered = resolve));
      const held = finish(t, batchId, first!.id, 'a', {
        beforeStore: () => {
          entered();
          return new Promise<void>((resolve) => (release = resolve));
        },
      });
      await inStore;
      // The first finish's transaction is open (its outcome not yet stored). The second must not
      // queue behind it: with a lock on the batch row taken first, it waited until the release.
      const second_ = finish(t, batchId, second!.id, 'a').then(() => 'finished' as const);
      const blocked = new Promise<'blocked'>((resolve) => setTimeout(() => resolve('blocked'), 10_000));
      const outcome = await Promise.race([second_, blocked]);
      release();
      await held;
      await second_;
      expect(outcome).toBe('finished');
      expect(await findBatch(t.db, batchId)).toMatchObject({ status: 'completed', completed_count: 2 });
    },
  );

  it.skipIf(skip)('pages through items by position', async () => {
    const batchId = await newBatch(t, 5);
    const first = await listBatchItems(t.db, batchId, { limit: 2 });
    expect(first.items.map((i) => i.position)).toEqual([0, 1]);
    expect(first.nextAfter).toBe(1);
    const last = await listBatchItems(t.db, batchId, { limit: 3, after: 1 });
    expect(last.items.map((i) => i.position)).toEqual([2, 3, 4]);
    expect(last.nextAfter).toBeUndefined();
    await t.db.transaction().execute((trx) => cancelBatch(trx, batchId));
  });
});
