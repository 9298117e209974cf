/**
 * Batches and their items as the API sees them: create, read with progress counts, page
 * through items, cancel. The worker's side of the queue (claim, lease, complete) is in
 * `batch-queue-repository.ts`.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Batch, BatchItem, Database, JobStatus, NewBatch, NewBatchItem } from '../db/database.js';

type Db = Kysely<Database> | Transaction<Database>;

export type ItemCounts = Record<'queued' | 'processing' | 'completed' | 'failed' | 'cancelled', number>;

export async function insertBatch(trx: Db, batch: NewBatch, items: NewBatchItem[]): Promise<void> {
  await trx.insertInto('batches').values(batch).execute();
  // Chunked so a large batch stays under PostgreSQL's 65535 bind parameters per statement.
  for (let i = 0; i < items.length; i += 1000) {
    await trx
      .insertInto('batch_items')
      .values(items.slice(i, i + 1000))
      .execute();
  }
}

export async function findBatch(db: Db, id: string): Promise<Batch | undefined> {
  return db.selectFrom('batches').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countBatchItems(db: Db, batchId: string): Promise<ItemCounts> {
  const rows = await db
    .selectFrom('batch_items')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('batch_id', '=', batchId)
    .groupBy('status')
    .execute();
  const counts: ItemCounts = { queued: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const row of rows) if (row.status in counts) counts[row.status as keyof ItemCounts] = Number(row.n);
  return counts;
}

/** Queued and processing items of a batch (the finished ones are the batch's counters). */
export async function countUnfinishedItems(
  db: Db,
  batchId: string,
): Promise<Pick<ItemCounts, 'queued' | 'processing'>> {
  const rows = await db
    .selectFrom('batch_items')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('batch_id', '=', batchId)
    .where('status', 'in', ['queued', 'processing'])
    .groupBy('status')
    .execute();
  const n = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
  return { queued: n('queued'), processing: n('processing') };
}

export interface ItemPage {
  items: BatchItem[];
  /** Position to pass as `after` for the next page; undefined on the last page. */
  nextAfter: number | undefined;
}

/** Items in position order after `after` (exclusive, default -1), at most `limit`. */
export async function listBatchItems(
  db: Db,
  batchId: string,
  options: { after?: number; limit: number; status?: JobStatus },
): Promise<ItemPage> {
  let query = db
    .selectFrom('batch_items')
    .selectAll()
    .where('batch_id', '=', batchId)
    .where('position', '>', options.after ?? -1);
  if (options.status !== undefined) query = query.where('status', '=', options.status);
  const rows = await query
    .orderBy('position')
    .limit(options.limit + 1)
    .execute();
  const items = rows.slice(0, options.limit);
  return { items, nextAfter: rows.length > options.limit ? items.at(-1)?.position : undefined };
}

/** Runs inside the transaction that finished the batch's last item (its event is written there). */
export type BatchFinishedHook = (trx: Db, batch: Batch) => Promise<unknown>;

/** Finished items to add to a batch's counters. */
export type FinishedDelta = Partial<Record<'completed' | 'failed' | 'cancelled', number>>;

/**
 * Adds finished items to a batch's counters and derives its status from them in the same
 * statement: processing while any item is unfinished; then cancelled if a cancel stopped any
 * item, failed if every item failed, otherwise completed (failed items show in the progress).
 * O(1) per finished item. Callers lock the items they finish first and the batch row last
 * (here), so two finishes of one batch hold its row only for the end of their transactions.
 */
export async function addFinishedItems(
  trx: Db,
  id: string,
  delta: FinishedDelta,
  onFinished?: BatchFinishedHook,
): Promise<Batch | undefined> {
  const completed = delta.completed ?? 0;
  const failed = delta.failed ?? 0;
  const cancelled = delta.cancelled ?? 0;
  const finished = sql<number>`completed_count + failed_count + cancelled_count + ${completed + failed + cancelled}`;
  const batch = await trx
    .updateTable('batches')
    .set({
      completed_count: sql<number>`completed_count + ${completed}`,
      failed_count: sql<number>`failed_count + ${failed}`,
      cancelled_count: sql<number>`cancelled_count + ${cancelled}`,
      status: sql<JobStatus>`case
        when ${finished} < item_count then 'processing'
        when cancelled_count + ${cancelled} > 0 then 'cancelled'
        when completed_count + ${completed} = 0 then 'failed'
        else 'completed' end`,
      finished_at: sql<Date | null>`case when ${finished} >= item_count then coalesce(finished_at, now()) end`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  const added = completed + failed + cancelled;
  const finishedNow =
    batch === undefined ? 0 : batch.completed_count + batch.failed_count + batch.cancelled_count;
  // Just finished: this delta carried the count across item_count (never twice for one batch).
  if (
    batch !== undefined &&
    added > 0 &&
    finishedNow >= batch.item_count &&
    finishedNow - added < batch.item_count
  )
    await onFinished?.(trx, batch);
  return batch;
}

export interface CancelOutcome {
  /** Items that were waiting and will never run. */
  cancelledQueued: string[];
  /** Items that were being processed (here or on another replica) when the cancel came. */
  cancelledProcessing: string[];
  /** Items already completed or failed: nothing to stop. */
  alreadyFinished: number;
  /** True when an earlier cancel had already been requested. */
  alreadyCancelled: boolean;
  /** The batch's status before this cancel. */
  previousStatus: JobStatus;
}

/**
 * Cancels every unfinished item of a batch; undefined when there is no such batch. A batch
 * that had already completed or failed is left untouched (the outcome says so).
 */
export async function cancelBatch(
  trx: Transaction<Database>,
  id: string,
  onFinished?: BatchFinishedHook,
): Promise<CancelOutcome | undefined> {
  // Items first, the batch row last: the order finishBatchItem and the claim lock in.
  const { rows } = await sql<{ id: string; previous: JobStatus }>`
    with old as (
      select id, status from batch_items
      where batch_id = ${id} and status in ('queued', 'processing')
      for update
    )
    update batch_items bi set
      status = 'cancelled', finished_at = now(), lease_owner = null, lease_expires_at = null,
      error_code = 'CANCELLED', error_message = 'cancelled by request'
    from old where bi.id = old.id
    returning bi.id, old.status as previous`.execute(trx);
  const before = await trx
    .selectFrom('batches')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (before === undefined) return undefined;
  if (rows.length === 0 && (before.status === 'completed' || before.status === 'failed')) {
    return {
      cancelledQueued: [],
      cancelledProcessing: [],
      alreadyFinished: before.item_count,
      alreadyCancelled: false,
      previousStatus: before.status,
    };
  }
  await trx
    .updateTable('batches')
    .set({ cancel_requested_at: sql<Date>`coalesce(cancel_requested_at, now())` })
    .where('id', '=', id)
    .execute();
  await addFinishedItems(trx, id, { cancelled: rows.length }, onFinished);
  return {
    cancelledQueued: rows.filter((r) => r.previous === 'queued').map((r) => r.id),
    cancelledProcessing: rows.filter((r) => r.previous === 'processing').map((r) => r.id),
    alreadyFinished: before.completed_count + before.failed_count,
    alreadyCancelled: before.cancel_requested_at !== null,
    previousStatus: before.status,
  };
}

/** Blob hashes (images and references) of queued or processing items: the files still needed. */
export async function liveBlobHashes(db: Db): Promise<Set<string>> {
  const rows = await db
    .selectFrom('batch_items')
    .select(['image_sha256', 'reference_sha256'])
    .where('status', 'in', ['queued', 'processing'])
    .execute();
  return new Set(
    rows.flatMap((r) =>
      r.reference_sha256 === null ? [r.image_sha256] : [r.image_sha256, r.reference_sha256],
    ),
  );
}
