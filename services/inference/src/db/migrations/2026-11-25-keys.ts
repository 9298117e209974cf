/**
 * API keys (issue 10): one row per key, holding only the SHA-256 of the secret, its scopes and
 * when it was revoked; and the id of the key that asked for each stored result, batch and
 * deployment event (`api_key_id`, never the secret). Frozen in time: takes `Kysely<any>` and
 * imports nothing from the application (CONVENTIONS.md §10).
 */
import { type Kysely, sql } from 'kysely';

const auditedTables = ['inferences', 'batches', 'model_deployments'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    // The public half of the key (`chipq_<id>_<secret>`): safe to log and to show in lists.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scopes', sql`text[]`, (c) =>
      c.notNull().check(sql`cardinality(scopes) > 0 and scopes <@ array['read', 'infer', 'admin']::text[]`),
    )
    // Hex SHA-256 of the whole key; the key itself is shown once, at creation, and never stored.
    .addColumn('secret_sha256', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  for (const table of auditedTables) {
    await db.schema.alterTable(table).addColumn('api_key_id', 'text').execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of auditedTables) {
    await db.schema.alterTable(table).dropColumn('api_key_id').execute();
  }
  await db.schema.dropTable('api_keys').ifExists().execute();
}
