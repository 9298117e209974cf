/**
 * Experiments (issue 11): an experiment compares two or more versions (arms) of one model, either
 * by splitting traffic sticky per lot, wafer or request (`split`) or by running extra arms on the
 * same images after the answer was sent (`shadow`). Every stored inference records the experiment
 * and arm that served it; shadow runs are kept apart in `experiment_shadow_results` so no list,
 * summary or verdict count can pick them up by accident. Frozen in time: takes `Kysely<any>` and
 * imports nothing from the application (CONVENTIONS.md §10).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('experiments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('model_name', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('split', 'shadow')`))
    .addColumn('unit', 'text', (c) => c.notNull().check(sql`unit in ('lot_id', 'wafer_id', 'request')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'stopped')`))
    // IoU above which a shadow detection and an answered detection of the same class match.
    .addColumn('match_iou', 'double precision', (c) =>
      c.notNull().defaultTo(0.5).check(sql`match_iou > 0 and match_iou <= 1`),
    )
    .addColumn('api_key_id', 'text')
    .addColumn('request_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
    .addColumn('stopped_at', 'timestamptz')
    .addColumn('stop_reason', 'text')
    .addColumn('stopped_by_key_id', 'text')
    // The arm promoted to default when the experiment was stopped, if any.
    .addColumn('promoted_arm', 'text')
    .execute();
  // One running experiment per model: two would fight over the same requests.
  await db.schema
    .createIndex('experiments_one_running_per_model')
    .on('experiments')
    .column('model_name')
    .unique()
    .where(sql.ref('status'), '=', 'running')
    .execute();

  await db.schema
    .createTable('experiment_arms')
    .addColumn('experiment_id', 'uuid', (c) => c.notNull().references('experiments.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    // Share of units in split mode; unused (0) for shadow arms, which see every image.
    .addColumn('weight', 'integer', (c) => c.notNull().check(sql`weight >= 0`))
    // control: the baseline (in shadow mode, the arm that answers); treatment: a split arm
    // compared with the control; shadow: runs after the answer, never returned.
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('control', 'treatment', 'shadow')`))
    .addPrimaryKeyConstraint('experiment_arms_pkey', ['experiment_id', 'name'])
    .execute();

  await db.schema
    .alterTable('inferences')
    .addColumn('experiment_id', 'uuid', (c) => c.references('experiments.id'))
    .execute();
  await db.schema.alterTable('inferences').addColumn('experiment_arm', 'text').execute();
  await db.schema
    .createIndex('inferences_experiment_idx')
    .on('inferences')
    .columns(['experiment_id', 'experiment_arm'])
    .execute();

  await db.schema
    .createTable('experiment_shadow_results')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('experiment_id', 'uuid', (c) => c.notNull().references('experiments.id').onDelete('cascade'))
    .addColumn('experiment_arm', 'text', (c) => c.notNull())
    // The answered result this shadow run was made on (same image, same reference).
    .addColumn('inference_id', 'uuid', (c) => c.notNull().references('inferences.id').onDelete('cascade'))
    .addColumn('model_name', 'text', (c) => c.notNull())
    .addColumn('model_version', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('completed', 'failed')`))
    .addColumn('verdict_status', 'text', (c) => c.check(sql`verdict_status in ('PASS', 'FAIL', 'REVIEW')`))
    .addColumn('verdict_rule', 'text')
    .addColumn('verdict_reason', 'text')
    .addColumn('detection_count', 'integer', (c) => c.notNull().defaultTo(0))
    // [{class_id, defect_type, severity, confidence, x, y, width, height}] in image pixels.
    .addColumn('detections', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('total_ms', 'double precision')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
    .addUniqueConstraint('experiment_shadow_results_inference_arm_key', ['inference_id', 'experiment_arm'])
    .execute();
  await db.schema
    .createIndex('experiment_shadow_results_experiment_idx')
    .on('experiment_shadow_results')
    .columns(['experiment_id', 'experiment_arm'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('experiment_shadow_results').ifExists().execute();
  await db.schema.dropIndex('inferences_experiment_idx').ifExists().execute();
  await db.schema.alterTable('inferences').dropColumn('experiment_arm').execute();
  await db.schema.alterTable('inferences').dropColumn('experiment_id').execute();
  await db.schema.dropTable('experiment_arms').ifExists().execute();
  await db.schema.dropTable('experiments').ifExists().execute();
}
