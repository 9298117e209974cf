/**
 * Per-batch counters of finished items, so finishing an item updates one row in O(1) instead
 * of locking the batch and recounting all its items (O(n^2) per batch, and replicas queued
 * behind each other). Existing batches are backfilled from their items. Frozen in time.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  for (const column of ['completed_count', 'failed_count', 'cancelled_count']) {
    await db.schema
      .alterTable('batches')
      .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  }
  await sql`
    update batches b set
      completed_count = s.completed, failed_count = s.failed, cancelled_count = s.cancelled
    from (
      select batch_id,
        count(*) filter (where status = 'completed') as completed,
        count(*) filter (where status = 'failed') as failed,
        count(*) filter (where status = 'cancelled') as cancelled
      from batch_items group by batch_id
    ) s
    where b.id = s.batch_id`.execute(db);
  // The progress view counts only a batch's unfinished items; this keeps that O(unfinished).
  await db.schema
    .createIndex('batch_items_unfinished_batch_idx')
    .on('batch_items')
    .column('batch_id')
    .where(sql.ref('status'), 'in', ['queued', 'processing'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('batch_items_unfinished_batch_idx').ifExists().execute();
  for (const column of ['completed_count', 'failed_count', 'cancelled_count']) {
    await db.schema.alterTable('batches').dropColumn(column).execute();
  }
}
