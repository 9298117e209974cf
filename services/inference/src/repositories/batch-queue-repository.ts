/**
 * The worker's side of the batch queue in PostgreSQL. Items are claimed with
 * `FOR UPDATE SKIP LOCKED` under a lease; a replica that dies leaves leases that expire and
 * are claimed again. Every status change is guarded in SQL by the expected status and owner,
 * and `inferences.batch_item_id` is unique, so an item's outcome is stored exactly once.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { BatchItem, Database } from '../db/database.js';
import { addFinishedItems } from './batch-repository.js';

/** A claimed item with what the worker needs from its batch. */
export interface ClaimedItem extends BatchItem {
  model_name: string | null;
  model_version: string | null;
  confidence_threshold: number | null;
  /** The key that queued the batch; its items' results are stored under the same id. */
  batch_api_key_id: string | null;
}

export interface ClaimOptions {
  /** This worker's id (unique per process). */
  owner: string;
  limit: number;
  /** Lease length; a negative value claims with an already expired lease (tests). */
  leaseMs: number;
}

/** Claims up to `limit` queued items, or processing items whose lease has expired, oldest first. */
export async function claimBatchItems(db: Kysely<Database>, options: ClaimOptions): Promise<ClaimedItem[]> {
  if (options.limit <= 0) return [];
  const { rows } = await sql<{ id: string }>`
    update batch_items set
      status = 'processing',
      lease_owner = ${options.owner},
      lease_expires_at = now() + ${options.leaseMs} * interval '1 millisecond',
      attempts = attempts + 1,
      started_at = coalesce(started_at, now())
    where id in (
      select id from batch_items
      where status = 'queued' or (status = 'processing' and lease_expires_at < now())
      order by created_at, position
      limit ${options.limit}
      for update skip locked
    )
    returning id`.execute(db);
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  // Batches move from queued to processing as their first item is claimed.
  await db
    .updateTable('batches')
    .set({ status: 'processing', updated_at: sql<Date>`now()` })
    .where('status', '=', 'queued')
    .where('id', 'in', db.selectFrom('batch_items').select('batch_id').where('id', 'in', ids))
    .execute();
  return db
    .selectFrom('batch_items')
    .innerJoin('batches', 'batches.id', 'batch_items.batch_id')
    .selectAll('batch_items')
    .select(['batches.model_name', 'batches.model_version', 'batches.confidence_threshold'])
    .select('batches.api_key_id as batch_api_key_id')
    .where('batch_items.id', 'in', ids)
    .where('batch_items.lease_owner', '=', options.owner)
    .orderBy('batch_items.created_at')
    .orderBy('batch_items.position')
    .execute();
}

/** Extends the leases this owner still holds; returns the ids it still owns (others were
 * cancelled or reclaimed, and their in-flight work should be aborted). */
export async function renewLeases(
  db: Kysely<Database>,
  owner: string,
  ids: string[],
  leaseMs: number,
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .updateTable('batch_items')
    .set({ lease_expires_at: sql<Date>`now() + ${leaseMs} * interval '1 millisecond'` })
    .where('id', 'in', ids)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'processing')
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export interface ItemOutcome {
  itemId: string;
  batchId: string;
  owner: string;
  status: 'completed' | 'failed';
  inferenceId: string;
  errorCode?: string | null;
  errorMessage?: string | null;
}

/**
 * Inside `trx`: checks that `owner` still holds the item, runs `store` (which inserts the
 * inference) and marks the item finished. Returns false, storing nothing, when the item was
 * cancelled or reclaimed meanwhile.
 */
export async function finishBatchItem(
  trx: Transaction<Database>,
  outcome: ItemOutcome,
  store: (trx: Transaction<Database>) => Promise<unknown>,
): Promise<boolean> {
  const held = await trx
    .selectFrom('batch_items')
    .select('id')
    .where('id', '=', outcome.itemId)
    .where('status', '=', 'processing')
    .where('lease_owner', '=', outcome.owner)
    .forUpdate()
    .executeTakeFirst();
  if (held === undefined) return false;
  await store(trx);
  await trx
    .updateTable('batch_items')
    .set({
      status: outcome.status,
      inference_id: outcome.inferenceId,
      error_code: outcome.errorCode ?? null,
      error_message: outcome.errorMessage ?? null,
      finished_at: sql<Date>`now()`,
      lease_owner: null,
      lease_expires_at: null,
    })
    .where('id', '=', outcome.itemId)
    .execute();
  // Last, so the batch row is locked only until this transaction commits.
  await addFinishedItems(trx, outcome.batchId, { [outcome.status]: 1 });
  return true;
}

/** Puts this owner's unfinished items back in the queue (graceful shutdown); returns their ids. */
export async function releaseBatchItems(
  db: Kysely<Database>,
  owner: string,
  ids?: string[],
): Promise<string[]> {
  let query = db
    .updateTable('batch_items')
    .set({ status: 'queued', lease_owner: null, lease_expires_at: null })
    .where('lease_owner', '=', owner)
    .where('status', '=', 'processing');
  if (ids !== undefined) {
    if (ids.length === 0) return [];
    query = query.where('id', 'in', ids);
  }
  const rows = await query.returning('id').execute();
  return rows.map((r) => r.id);
}
