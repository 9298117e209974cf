/**
 * The golden-set gate on promotions (issue 11): each change of a default version keeps the
 * gate's report (scores of the candidate and of the default it replaced, the policy, failing
 * cases) and whether an admin forced it past a failing gate. Frozen in time: takes
 * `Kysely<any>` and imports nothing from the application (CONVENTIONS.md §10).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('model_default_changes')
    .addColumn('forced', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema.alterTable('model_default_changes').addColumn('gate', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('model_default_changes').dropColumn('gate').execute();
  await db.schema.alterTable('model_default_changes').dropColumn('forced').execute();
}
