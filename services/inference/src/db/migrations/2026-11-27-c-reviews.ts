/**
 * Human review (issue 11 item 4): an operator's judgement of a stored result. Each review is a
 * revision: a re-review supersedes the current one (kept, with `superseded_at`) so figures use
 * the latest judgement while the history stays. One row per defect judged: each detection as a
 * true defect or a false alarm, plus the defects the model missed, with class and box. The
 * counts are kept on the review too, so precision and recall are sums over reviews. Adds the
 * `review` scope for operators' keys. Frozen in time: takes `Kysely<any>` and imports nothing
 * from the application (CONVENTIONS.md §10).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('inference_reviews')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('inference_id', 'uuid', (c) => c.notNull().references('inferences.id').onDelete('cascade'))
    .addColumn('revision', 'integer', (c) => c.notNull().check(sql`revision >= 1`))
    // The operator's verdict for the item; the model's stays on the inference.
    .addColumn('verdict', 'text', (c) => c.notNull().check(sql`verdict in ('PASS', 'FAIL')`))
    .addColumn('true_defects', 'integer', (c) => c.notNull().check(sql`true_defects >= 0`))
    .addColumn('false_alarms', 'integer', (c) => c.notNull().check(sql`false_alarms >= 0`))
    .addColumn('missed', 'integer', (c) => c.notNull().check(sql`missed >= 0`))
    .addColumn('reviewer', 'text')
    .addColumn('comment', 'text')
    .addColumn('api_key_id', 'text')
    .addColumn('request_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
    .addColumn('superseded_at', 'timestamptz')
    .addUniqueConstraint('inference_reviews_inference_revision_key', ['inference_id', 'revision'])
    .execute();
  // At most one current review per result: two operators reviewing at once cannot both win.
  await db.schema
    .createIndex('inference_reviews_current_key')
    .on('inference_reviews')
    .column('inference_id')
    .unique()
    .where(sql.ref('superseded_at'), 'is', null)
    .execute();
  await db.schema
    .createTable('review_defects')
    .addColumn('review_id', 'uuid', (c) => c.notNull().references('inference_reviews.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) =>
      c.notNull().check(sql`outcome in ('true_defect', 'false_alarm', 'missed')`),
    )
    // The judged detection's ordinal; null for a missed defect.
    .addColumn('detection_ordinal', 'integer')
    .addColumn('defect_type', 'text', (c) => c.notNull())
    .addColumn('x', 'real', (c) => c.notNull())
    .addColumn('y', 'real', (c) => c.notNull())
    .addColumn('width', 'real', (c) => c.notNull())
    .addColumn('height', 'real', (c) => c.notNull())
    .addPrimaryKeyConstraint('review_defects_pkey', ['review_id', 'position'])
    .execute();
  await sql`alter table api_keys drop constraint if exists api_keys_scopes_check`.execute(db);
  await sql`alter table api_keys add constraint api_keys_scopes_check
    check (cardinality(scopes) > 0 and scopes <@ array['read', 'infer', 'review', 'admin']::text[])`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table api_keys drop constraint if exists api_keys_scopes_check`.execute(db);
  await sql`alter table api_keys add constraint api_keys_scopes_check
    check (cardinality(scopes) > 0 and scopes <@ array['read', 'infer', 'admin']::text[])`.execute(db);
  await db.schema.dropTable('review_defects').ifExists().execute();
  await db.schema.dropTable('inference_reviews').ifExists().execute();
}
