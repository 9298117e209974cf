/**
 * The worker's side of the batch queue in PostgreSQL. Items are claimed with
 * `FOR UPDATE SKIP LOCKED` under a lease; a replica that dies leaves leases that expire and
 * are claimed again. Every status change is guarded in SQL by the expected status and owner,
 * and `inferences.batch_item_id` is unique, so an item's outcome is stored exactly once.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { BatchItem, Database } from '../db/database.js';
import { addFinishedItems, type BatchFinishedHook } from './batch-repository.js';

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
  /**
   * Claims an item may take, default unlimited. An item whose lease expired after this many
   * (each time its worker died before storing an outcome: a poison item) ends `failed`.
   */
  maxAttempts?: number;
  /** Called in the transaction that fails a batch's last item. */
  onBatchFinished?: BatchFinishedHook;
}

/**
 * Claims up to `limit` items, oldest first: queued ones that are available (not waiting for a
 * retry time), and processing ones whose lease has expired (their worker died). Before that,
 * items that used up `maxAttempts` are failed with the reason.
 */
export async function claimBatchItems(db: Kysely<Database>, options: ClaimOptions): Promise<ClaimedItem[]> {
  if (options.limit <= 0) return [];
  if (options.maxAttempts !== undefined)
    await failExhaustedItems(db, options.maxAttempts, options.onBatchFinished);
  const { rows } = await sql<{ id: string }>`
    update batch_items set
      status = 'processing',
      lease_owner = ${options.owner},
      lease_expires_at = now() + ${options.leaseMs} * interval '1 millisecond',
      attempts = attempts + 1,
      started_at = coalesce(started_at, now())
    where id in (
      select id from batch_items
      where (status = 'queued' and (available_at is null or available_at <= now()))
        or (status = 'processing' and lease_expires_at < now())
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
  /** Called in this transaction when this item was the batch's last. */
  onBatchFinished?: BatchFinishedHook;
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
      available_at: null,
      finished_at: sql<Date>`now()`,
      lease_owner: null,
      lease_expires_at: null,
    })
    .where('id', '=', outcome.itemId)
    .execute();
  // Last, so the batch row is locked only until this transaction commits.
  await addFinishedItems(trx, outcome.batchId, { [outcome.status]: 1 }, outcome.onBatchFinished);
  return true;
}

/**
 * Fails, with the reason, every item whose lease expired after `maxAttempts` claims: each time,
 * the worker holding it stopped before storing an outcome (a crash on this very item, most
 * likely). Item and batch counters change in one transaction; returns how many were failed.
 */
async function failExhaustedItems(
  db: Kysely<Database>,
  maxAttempts: number,
  onBatchFinished?: BatchFinishedHook,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ batch_id: string }>`
      update batch_items set
        status = 'failed', finished_at = now(), lease_owner = null, lease_expires_at = null,
        error_code = 'INFERENCE_FAILED',
        error_message = 'gave up after ' || attempts || ' attempts: each time, the worker processing it stopped before storing an outcome (a crash on this item?)'
      where id in (
        select id from batch_items
        where status = 'processing' and lease_expires_at < now() and attempts >= ${maxAttempts}
        for update skip locked
      )
      returning batch_id`.execute(trx);
    const perBatch = new Map<string, number>();
    for (const { batch_id } of rows) perBatch.set(batch_id, (perBatch.get(batch_id) ?? 0) + 1);
    for (const [batchId, failed] of perBatch)
      await addFinishedItems(trx, batchId, { failed }, onBatchFinished);
    return rows.length;
  });
}

/**
 * Returns a held item to the queue until `delayMs` from now, with `reason` shown as its error
 * while it waits (its model is not loaded, its engine unreachable). The claim is not counted
 * as an attempt: waiting is not the item's fault. False when the item is no longer held.
 */
export async function deferBatchItem(
  db: Kysely<Database>,
  owner: string,
  itemId: string,
  delayMs: number,
  reason: { code: string; message: string },
): Promise<boolean> {
  const rows = await db
    .updateTable('batch_items')
    .set({
      ...backInTheQueue(),
      available_at: sql<Date>`now() + ${delayMs} * interval '1 millisecond'`,
      error_code: reason.code,
      error_message: `waiting to retry: ${reason.message}`,
    })
    .where('id', '=', itemId)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'processing')
    .returning('id')
    .execute();
  return rows.length > 0;
}

/** An item returned to the queue by its holder; the claim does not count as an attempt. */
function backInTheQueue() {
  return {
    status: 'queued' as const,
    lease_owner: null,
    lease_expires_at: null,
    attempts: sql<number>`greatest(attempts - 1, 0)`,
  };
}

/**
 * Puts this owner's unfinished items back in the queue (graceful shutdown), not counting the
 * claim as an attempt; returns their ids.
 */
export async function releaseBatchItems(
  db: Kysely<Database>,
  owner: string,
  ids?: string[],
): Promise<string[]> {
  let query = db
    .updateTable('batch_items')
    .set(backInTheQueue())
    .where('lease_owner', '=', owner)
    .where('status', '=', 'processing');
  if (ids !== undefined) {
    if (ids.length === 0) return [];
    query = query.where('id', 'in', ids);
  }
  const rows = await query.returning('id').execute();
  return rows.map((r) => r.id);
}
