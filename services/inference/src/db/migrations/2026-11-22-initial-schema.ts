/**
 * The first schema: inferences (one row per image inspected, from /predict or a batch item),
 * their detections, batches with their items, and model deployment events. Frozen in time: it
 * takes `Kysely<any>` and imports nothing from the application (CONVENTIONS.md §10).
 *
 * Vocabularies follow the platform's database (PLATFORM-CONTRACTS.md): inference status
 * queued|processing|completed|failed|cancelled|timeout, severity low|medium|high|critical,
 * detection_method ml_automated|manual_review|hybrid|rule_based, location x/y/width/height.
 */
import { type Kysely, sql } from 'kysely';

const statuses = sql`('queued', 'processing', 'completed', 'failed', 'cancelled', 'timeout')`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('batches')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ${statuses}`))
    .addColumn('model_name', 'text')
    .addColumn('model_version', 'text')
    .addColumn('confidence_threshold', 'double precision')
    .addColumn('item_count', 'integer', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addColumn('cancel_requested_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('batches_created_at_idx').on('batches').column('created_at').execute();

  await db.schema
    .createTable('inferences')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('batch_id', 'uuid', (c) => c.references('batches.id').onDelete('cascade'))
    // Unique: a batch item can have at most one stored outcome, whatever the replicas do.
    .addColumn('batch_item_id', 'uuid', (c) => c.unique())
    .addColumn('request_id', 'text')
    .addColumn('traceparent', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ${statuses}`))
    .addColumn('model_name', 'text')
    .addColumn('model_version', 'text')
    .addColumn('lot_id', 'text')
    .addColumn('wafer_id', 'text')
    .addColumn('die_x', 'integer')
    .addColumn('die_y', 'integer')
    .addColumn('station_id', 'text')
    .addColumn('tags', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('image_sha256', 'text', (c) => c.notNull())
    .addColumn('image_bytes', 'integer', (c) => c.notNull())
    .addColumn('reference_sha256', 'text')
    .addColumn('image_width', 'integer')
    .addColumn('image_height', 'integer')
    .addColumn('image_format', 'text')
    .addColumn('verdict_status', 'text', (c) => c.check(sql`verdict_status in ('PASS', 'FAIL', 'REVIEW')`))
    .addColumn('verdict_rule', 'text')
    .addColumn('verdict_reason', 'text')
    .addColumn('verdict_score', 'double precision')
    .addColumn('detection_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('decode_ms', 'double precision')
    .addColumn('preprocess_ms', 'double precision')
    .addColumn('queue_ms', 'double precision')
    .addColumn('infer_ms', 'double precision')
    .addColumn('postprocess_ms', 'double precision')
    .addColumn('total_ms', 'double precision')
    .addColumn('service_ms', 'double precision')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The summary, health and anomaly queries filter on a time window, per model/version.
  await db.schema.createIndex('inferences_created_at_idx').on('inferences').column('created_at').execute();
  await db.schema
    .createIndex('inferences_model_created_at_idx')
    .on('inferences')
    .columns(['model_name', 'model_version', 'created_at'])
    .execute();
  await db.schema.createIndex('inferences_batch_id_idx').on('inferences').column('batch_id').execute();
  await db.schema
    .createIndex('inferences_lot_id_idx')
    .on('inferences')
    .columns(['lot_id', 'wafer_id'])
    .execute();

  await db.schema
    .createTable('detections')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('inference_id', 'uuid', (c) => c.notNull().references('inferences.id').onDelete('cascade'))
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .addColumn('class_id', 'integer', (c) => c.notNull())
    .addColumn('defect_type', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) =>
      c.notNull().check(sql`severity in ('low', 'medium', 'high', 'critical')`),
    )
    .addColumn('confidence', 'double precision', (c) =>
      c.notNull().check(sql`confidence >= 0 and confidence <= 1`),
    )
    .addColumn('x', 'double precision', (c) => c.notNull().check(sql`x >= 0`))
    .addColumn('y', 'double precision', (c) => c.notNull().check(sql`y >= 0`))
    .addColumn('width', 'double precision', (c) => c.notNull().check(sql`width > 0`))
    .addColumn('height', 'double precision', (c) => c.notNull().check(sql`height > 0`))
    .addColumn('detection_method', 'text', (c) =>
      c
        .notNull()
        .defaultTo('ml_automated')
        .check(sql`detection_method in ('ml_automated', 'manual_review', 'hybrid', 'rule_based')`),
    )
    .addColumn('review_status', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('detections_inference_ordinal_key', ['inference_id', 'ordinal'])
    .execute();
  await db.schema.createIndex('detections_created_at_idx').on('detections').column('created_at').execute();

  await db.schema
    .createTable('batch_items')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('batch_id', 'uuid', (c) => c.notNull().references('batches.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ${statuses}`))
    .addColumn('filename', 'text')
    .addColumn('image_sha256', 'text', (c) => c.notNull())
    .addColumn('image_bytes', 'integer', (c) => c.notNull())
    .addColumn('reference_sha256', 'text')
    .addColumn('lot_id', 'text')
    .addColumn('wafer_id', 'text')
    .addColumn('die_x', 'integer')
    .addColumn('die_y', 'integer')
    .addColumn('station_id', 'text')
    .addColumn('tags', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // Claims so far: 1 for an item processed once; more only after a lease expired or a drain.
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'timestamptz')
    .addColumn('inference_id', 'uuid', (c) => c.references('inferences.id').onDelete('set null'))
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addUniqueConstraint('batch_items_batch_position_key', ['batch_id', 'position'])
    .execute();
  // Workers claim from the unfinished items only; a partial index keeps that scan small.
  await db.schema
    .createIndex('batch_items_claimable_idx')
    .on('batch_items')
    .columns(['status', 'created_at', 'position'])
    .where(sql.ref('status'), 'in', ['queued', 'processing'])
    .execute();

  await db.schema
    .createTable('model_deployments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('model_name', 'text', (c) => c.notNull())
    .addColumn('model_version', 'text')
    .addColumn('event', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`event in ('deployed', 'deploy_failed', 'loaded', 'load_failed', 'unloaded', 'unload_failed')`,
        ),
    )
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('request_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('model_deployments_model_idx')
    .on('model_deployments')
    .columns(['model_name', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['model_deployments', 'batch_items', 'detections', 'inferences', 'batches']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
