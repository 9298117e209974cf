/**
 * Experiments, their arms and shadow results. Functions take the database or a transaction
 * first (CONVENTIONS.md §10). The per-arm figures are aggregated in SQL so a long experiment
 * costs one scan, not one row per result shipped to the service.
 */
import { randomUUID } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ArmRow {
  name: string;
  version: string;
  weight: number;
  role: 'control' | 'treatment' | 'shadow';
}

export interface StoredExperiment {
  id: string;
  name: string;
  description: string | null;
  model_name: string;
  mode: 'split' | 'shadow';
  unit: 'lot_id' | 'wafer_id' | 'request';
  status: 'running' | 'stopped';
  match_iou: number;
  api_key_id: string | null;
  request_id: string | null;
  created_at: Date;
  stopped_at: Date | null;
  stop_reason: string | null;
  stopped_by_key_id: string | null;
  promoted_arm: string | null;
  arms: ArmRow[];
}

export interface NewExperiment {
  name: string;
  description: string | null;
  model: string;
  mode: 'split' | 'shadow';
  unit: 'lot_id' | 'wafer_id' | 'request';
  matchIou: number;
  arms: ArmRow[];
  apiKeyId: string | null;
  requestId: string | null;
}

/** Inserts an experiment and its arms; the unique index refuses a second running one per model. */
export async function insertExperiment(trx: Db, input: NewExperiment): Promise<string> {
  const id = randomUUID();
  await trx
    .insertInto('experiments')
    .values({
      id,
      name: input.name,
      description: input.description,
      model_name: input.model,
      mode: input.mode,
      unit: input.unit,
      status: 'running',
      match_iou: input.matchIou,
      api_key_id: input.apiKeyId,
      request_id: input.requestId,
      stopped_at: null,
      stop_reason: null,
      stopped_by_key_id: null,
      promoted_arm: null,
    })
    .execute();
  await trx
    .insertInto('experiment_arms')
    .values(input.arms.map((arm, position) => ({ experiment_id: id, position, ...arm })))
    .execute();
  return id;
}

const armsJson = sql<ArmRow[]>`coalesce((
  select jsonb_agg(jsonb_build_object('name', a.name, 'version', a.version, 'weight', a.weight, 'role', a.role) order by a.position)
  from experiment_arms a where a.experiment_id = experiments.id), '[]'::jsonb)`;

export async function findExperiment(db: Db, id: string): Promise<StoredExperiment | undefined> {
  return (await db
    .selectFrom('experiments')
    .selectAll()
    .select(armsJson.as('arms'))
    .where('id', '=', id)
    .executeTakeFirst()) as StoredExperiment | undefined;
}

export async function listExperiments(
  db: Db,
  filter: { model?: string | undefined; status?: 'running' | 'stopped' | undefined },
  limit: number,
): Promise<StoredExperiment[]> {
  let query = db.selectFrom('experiments').selectAll().select(armsJson.as('arms'));
  if (filter.model !== undefined) query = query.where('model_name', '=', filter.model);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  return (await query
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute()) as StoredExperiment[];
}

/** The running experiment of a model, locked until the transaction ends. */
export async function lockRunningExperiment(trx: Db, model: string): Promise<string | undefined> {
  const row = await trx
    .selectFrom('experiments')
    .select('id')
    .where('model_name', '=', model)
    .where('status', '=', 'running')
    .forUpdate()
    .executeTakeFirst();
  return row?.id;
}

export interface Routing {
  defaultVersion: string | null;
  experiment: {
    id: string;
    mode: 'split' | 'shadow';
    unit: 'lot_id' | 'wafer_id' | 'request';
    arms: ArmRow[];
  } | null;
}

/**
 * The model's stored default and its running experiment, in one round trip: every request that
 * names no version asks this, so a promotion or a new experiment applies to the next request on
 * every replica.
 */
export async function readRouting(db: Db, model: string): Promise<Routing> {
  const { rows } = await sql<{ default_version: string | null; experiment: Routing['experiment'] }>`
    select
      (select version from model_default_versions where model_name = ${model}) as default_version,
      (select jsonb_build_object('id', experiments.id, 'mode', experiments.mode, 'unit', experiments.unit, 'arms', ${armsJson})
         from experiments where model_name = ${model} and status = 'running') as experiment`.execute(db);
  const row = rows[0];
  return { defaultVersion: row?.default_version ?? null, experiment: row?.experiment ?? null };
}

export async function markStopped(
  trx: Db,
  id: string,
  input: { reason: string; apiKeyId: string | null; promotedArm: string | null },
): Promise<void> {
  await trx
    .updateTable('experiments')
    .set({
      status: 'stopped',
      stopped_at: sql<Date>`clock_timestamp()`,
      stop_reason: input.reason,
      stopped_by_key_id: input.apiKeyId,
      promoted_arm: input.promotedArm,
    })
    .where('id', '=', id)
    .execute();
}

export interface NewShadowResult {
  experimentId: string;
  arm: string;
  inferenceId: string;
  model: string;
  version: string;
  status: 'completed' | 'failed';
  verdict: { status: 'PASS' | 'FAIL' | 'REVIEW'; rule: string; reason: string } | null;
  detections: Array<{
    class_id: number;
    defect_type: string;
    severity: 'low' | 'medium' | 'high' | 'critical';
    confidence: number;
    x: number;
    y: number;
    width: number;
    height: number;
  }>;
  totalMs: number | null;
  error: { code: string; message: string } | null;
}

export async function insertShadowResult(db: Db, input: NewShadowResult): Promise<void> {
  await db
    .insertInto('experiment_shadow_results')
    .values({
      id: randomUUID(),
      experiment_id: input.experimentId,
      experiment_arm: input.arm,
      inference_id: input.inferenceId,
      model_name: input.model,
      model_version: input.version,
      status: input.status,
      verdict_status: input.verdict?.status ?? null,
      verdict_rule: input.verdict?.rule ?? null,
      verdict_reason: input.verdict?.reason ?? null,
      detection_count: input.detections.length,
      detections: JSON.stringify(input.detections),
      total_ms: input.totalMs,
      error_code: input.error?.code ?? null,
      error_message: input.error?.message ?? null,
    })
    .onConflict((oc) => oc.columns(['inference_id', 'experiment_arm']).doNothing())
    .execute();
}

/** One arm's counts as aggregated in SQL. */
export interface ArmCounts {
  arm: string;
  requests: number;
  completed: number;
  failed: number;
  pass: number;
  fail: number;
  review: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  /** Distinct units (lots, wafers) the arm served. */
  units: number;
}

export interface ArmClassCounts {
  arm: string;
  class_id: number;
  defect_type: string;
  images: number;
  detections: number;
}

const unitColumn = { lot_id: sql.ref('lot_id'), wafer_id: sql.ref('wafer_id'), request: sql.ref('id') };

/** Per-arm counts of the results an experiment answered (split arms, or the shadow mode's control). */
export async function answeredArmCounts(
  db: Db,
  experimentId: string,
  unit: 'lot_id' | 'wafer_id' | 'request',
): Promise<{ arms: ArmCounts[]; classes: ArmClassCounts[] }> {
  const { rows: arms } = await sql<ArmCounts>`
    select experiment_arm as arm,
      count(*)::int as requests,
      count(*) filter (where status = 'completed')::int as completed,
      count(*) filter (where status <> 'completed')::int as failed,
      count(*) filter (where verdict_status = 'PASS')::int as pass,
      count(*) filter (where verdict_status = 'FAIL')::int as fail,
      count(*) filter (where verdict_status = 'REVIEW')::int as review,
      percentile_cont(0.5) within group (order by total_ms) filter (where status = 'completed') as latency_p50_ms,
      percentile_cont(0.95) within group (order by total_ms) filter (where status = 'completed') as latency_p95_ms,
      count(distinct ${unitColumn[unit]})::int as units
    from inferences where experiment_id = ${experimentId}
    group by experiment_arm`.execute(db);
  const { rows: classes } = await sql<ArmClassCounts>`
    select i.experiment_arm as arm, d.class_id, min(d.defect_type) as defect_type,
      count(distinct d.inference_id)::int as images, count(*)::int as detections
    from detections d join inferences i on i.id = d.inference_id
    where i.experiment_id = ${experimentId} and i.status = 'completed'
    group by i.experiment_arm, d.class_id`.execute(db);
  return { arms, classes };
}

/** Per-arm counts of an experiment's shadow runs. */
export async function shadowArmCounts(
  db: Db,
  experimentId: string,
): Promise<{ arms: ArmCounts[]; classes: ArmClassCounts[] }> {
  const { rows: arms } = await sql<ArmCounts>`
    select s.experiment_arm as arm,
      count(*)::int as requests,
      count(*) filter (where s.status = 'completed')::int as completed,
      count(*) filter (where s.status <> 'completed')::int as failed,
      count(*) filter (where s.verdict_status = 'PASS')::int as pass,
      count(*) filter (where s.verdict_status = 'FAIL')::int as fail,
      count(*) filter (where s.verdict_status = 'REVIEW')::int as review,
      percentile_cont(0.5) within group (order by s.total_ms) filter (where s.status = 'completed') as latency_p50_ms,
      percentile_cont(0.95) within group (order by s.total_ms) filter (where s.status = 'completed') as latency_p95_ms,
      count(distinct s.inference_id)::int as units
    from experiment_shadow_results s where s.experiment_id = ${experimentId}
    group by s.experiment_arm`.execute(db);
  const { rows: classes } = await sql<ArmClassCounts>`
    select s.experiment_arm as arm, (d->>'class_id')::int as class_id, min(d->>'defect_type') as defect_type,
      count(distinct s.id)::int as images, count(*)::int as detections
    from experiment_shadow_results s cross join lateral jsonb_array_elements(s.detections) d
    where s.experiment_id = ${experimentId} and s.status = 'completed'
    group by s.experiment_arm, (d->>'class_id')::int`.execute(db);
  return { arms, classes };
}

export interface ShadowPair {
  inference_id: string;
  arm: string;
  control_verdict: string | null;
  shadow_verdict: string | null;
  control_detections: Array<{
    class_id: number;
    defect_type: string;
    confidence: number;
    x: number;
    y: number;
    width: number;
    height: number;
  }>;
  shadow_detections: ShadowPair['control_detections'];
}

/** Completed answered results next to their completed shadow runs, newest first, at most `limit`. */
export async function shadowPairs(db: Db, experimentId: string, limit: number): Promise<ShadowPair[]> {
  const { rows } = await sql<ShadowPair>`
    select i.id as inference_id, s.experiment_arm as arm,
      i.verdict_status as control_verdict, s.verdict_status as shadow_verdict,
      coalesce((select jsonb_agg(jsonb_build_object('class_id', d.class_id, 'defect_type', d.defect_type,
        'confidence', d.confidence, 'x', d.x, 'y', d.y, 'width', d.width, 'height', d.height) order by d.ordinal)
        from detections d where d.inference_id = i.id), '[]'::jsonb) as control_detections,
      s.detections as shadow_detections
    from experiment_shadow_results s join inferences i on i.id = s.inference_id
    where s.experiment_id = ${experimentId} and s.status = 'completed' and i.status = 'completed'
    order by i.created_at desc, i.id
    limit ${limit}`.execute(db);
  return rows;
}
