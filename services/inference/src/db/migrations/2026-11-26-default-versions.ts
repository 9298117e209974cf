/**
 * Default versions (issue 11): the version that serves requests naming none, one row per model,
 * and every change of it (seeded from config.pbtxt, promoted, rolled back) with who, when and
 * why. Frozen in time: takes `Kysely<any>` and imports nothing from the application
 * (CONVENTIONS.md §10).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('model_default_versions')
    .addColumn('model_name', 'text', (c) => c.primaryKey())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('model_default_changes')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('model_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) =>
      c.notNull().check(sql`action in ('seeded', 'promoted', 'rolled_back')`),
    )
    .addColumn('from_version', 'text')
    .addColumn('to_version', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    // The API key that asked (its id, never the secret); null for the seed from config.pbtxt.
    .addColumn('api_key_id', 'text')
    .addColumn('request_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
    .execute();
  await db.schema
    .createIndex('model_default_changes_model_created')
    .on('model_default_changes')
    .columns(['model_name', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('model_default_changes').ifExists().execute();
  await db.schema.dropTable('model_default_versions').ifExists().execute();
}
