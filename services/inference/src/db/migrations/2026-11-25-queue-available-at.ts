/**
 * `available_at` on batch items: an item whose model is not loaded yet, or whose engine is
 * unreachable, goes back to the queue and is not claimed again before this time (it waits
 * instead of failing). Null means at once. Frozen in time.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('batch_items').addColumn('available_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('batch_items').dropColumn('available_at').execute();
}
