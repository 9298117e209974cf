/**
 * Events other services subscribe to (issue 16): a transactional outbox, written in the same
 * transaction as what it announces and drained in `seq` order by one relay at a time (the
 * single-row lease below), so events reach the broker at least once and in commit order per
 * lot. Published rows are deleted: the table holds only what is still on its way. Frozen in
 * time: takes `Kysely<any>` and imports nothing from the application (CONVENTIONS.md §10).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('event_outbox')
    // Publication order: the relay always sends the lowest unsent seq first.
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    // The CloudEvents id and the broker's deduplication id (Nats-Msg-Id): stable across retries.
    .addColumn('id', 'uuid', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    // What consumers may rely on being ordered (the lot); null: no ordering promise beyond seq.
    .addColumn('partition_key', 'text')
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .execute();
  await db.schema
    .createTable('event_relay_lease')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('event_relay_lease').execute();
  await db.schema.dropTable('event_outbox').execute();
}
