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

/** Locks the batch row: every change to a batch's items happens behind this lock, so the
 * status recomputed afterwards sees the other replicas' committed changes. */
export async function lockBatch(trx: Transaction<Database>, id: string): Promise<Batch | undefined> {
  return trx.selectFrom('batches').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * Recomputes a batch's status from its items: queued until an item starts; processing while
 * any item is unfinished; then cancelled if a cancel stopped any item, failed if every item
 * failed, otherwise completed (failed items are counted in the progress).
 */
export async function refreshBatchStatus(trx: Db, id: string): Promise<void> {
  await sql`
    update batches b set
      status = s.status,
      updated_at = now(),
      finished_at = case when s.status in ('completed', 'failed', 'cancelled') then coalesce(b.finished_at, now()) end
    from (
      select case
        when count(*) filter (where status in ('queued', 'processing')) > 0 then
          case when count(*) filter (where status <> 'queued') > 0 then 'processing' else 'queued' end
        when count(*) filter (where status = 'cancelled') > 0 then 'cancelled'
        when count(*) filter (where status = 'completed') = 0 then 'failed'
        else 'completed'
      end as status
      from batch_items where batch_id = ${id}
    ) s
    where b.id = ${id}`.execute(trx);
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
): Promise<CancelOutcome | undefined> {
  const batch = await lockBatch(trx, id);
  if (batch === undefined) return undefined;
  if (batch.status === 'completed' || batch.status === 'failed') {
    return {
      cancelledQueued: [],
      cancelledProcessing: [],
      alreadyFinished: batch.item_count,
      alreadyCancelled: false,
      previousStatus: batch.status,
    };
  }
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
  const finished = await trx
    .selectFrom('batch_items')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('batch_id', '=', id)
    .where('status', 'in', ['completed', 'failed'])
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('batches')
    .set({ cancel_requested_at: sql<Date>`coalesce(cancel_requested_at, now())` })
    .where('id', '=', id)
    .execute();
  await refreshBatchStatus(trx, id);
  return {
    cancelledQueued: rows.filter((r) => r.previous === 'queued').map((r) => r.id),
    cancelledProcessing: rows.filter((r) => r.previous === 'processing').map((r) => r.id),
    alreadyFinished: Number(finished.n),
    alreadyCancelled: batch.cancel_requested_at !== null,
    previousStatus: batch.status,
  };
}
