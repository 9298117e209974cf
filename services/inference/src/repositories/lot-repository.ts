/**
 * Lots and wafers read back from stored results. A die is (wafer_id, die_x, die_y); a die
 * inspected more than once counts once, with its latest completed result (the verdict a yield
 * engineer acts on). Results without die coordinates are counted apart as unplaced.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, VerdictStatus } from '../db/database.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface LotFilter {
  stationId?: string | undefined;
  model?: string | undefined;
  /** Lots with a result at or after this instant. */
  from?: Date | undefined;
  /** Lots with a result before this instant. */
  to?: Date | undefined;
}

/** The last lot of a page: `lastAt` as PostgreSQL text with microseconds (see InferenceKey). */
export interface LotKey {
  lastAt: string;
  lotId: string;
}

export interface LotRow {
  lot_id: string;
  results: number;
  failed_results: number;
  unplaced_results: number;
  first_at: Date;
  last_at: Date;
  key_last_at: string;
}

/** Lots with results matching `filter`, most recently inspected first. */
export async function listLots(
  db: Db,
  filter: LotFilter,
  page: { limit: number; after?: LotKey | undefined },
): Promise<LotRow[]> {
  const where = [sql`lot_id is not null`];
  if (filter.stationId !== undefined) where.push(sql`station_id = ${filter.stationId}`);
  if (filter.model !== undefined) where.push(sql`model_name = ${filter.model}`);
  if (filter.from !== undefined) where.push(sql`created_at >= ${filter.from}`);
  if (filter.to !== undefined) where.push(sql`created_at < ${filter.to}`);
  const after = page.after;
  const having =
    after === undefined
      ? sql``
      : sql`having (max(created_at), lot_id) < (${after.lastAt}::timestamptz, ${after.lotId})`;
  const { rows } = await sql<LotRow>`
    select lot_id,
      count(*)::int as results,
      (count(*) filter (where status <> 'completed'))::int as failed_results,
      (count(*) filter (where die_x is null or die_y is null))::int as unplaced_results,
      min(created_at) as first_at,
      max(created_at) as last_at,
      to_char(max(created_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as key_last_at
    from inferences
    where ${sql.join(where, sql` and `)}
    group by lot_id
    ${having}
    order by max(created_at) desc, lot_id desc
    limit ${page.limit}`.execute(db);
  return rows;
}

export interface DieCounts {
  dies: number;
  pass: number;
  fail: number;
  review: number;
  no_verdict: number;
  defects: number;
}

export interface WaferRow extends DieCounts {
  lot_id: string;
  wafer_id: string | null;
}

/** Die counts per lot and wafer, from each die's latest completed result. */
export async function dieCountsByWafer(db: Db, lotIds: string[]): Promise<WaferRow[]> {
  if (lotIds.length === 0) return [];
  const { rows } = await sql<WaferRow>`
    with latest as (${latestPerDie(lotIds)})
    select lot_id, wafer_id,
      count(*)::int as dies,
      (count(*) filter (where verdict_status = 'PASS'))::int as pass,
      (count(*) filter (where verdict_status = 'FAIL'))::int as fail,
      (count(*) filter (where verdict_status = 'REVIEW'))::int as review,
      (count(*) filter (where verdict_status is null))::int as no_verdict,
      coalesce(sum(detection_count), 0)::int as defects
    from latest group by lot_id, wafer_id order by lot_id, wafer_id`.execute(db);
  return rows;
}

/** Results per lot and wafer (any status), with first and last times and unplaced counts. */
export async function resultCountsByWafer(
  db: Db,
  lotId: string,
): Promise<
  Array<{ wafer_id: string | null; results: number; unplaced: number; first_at: Date; last_at: Date }>
> {
  const { rows } = await sql<{
    wafer_id: string | null;
    results: number;
    unplaced: number;
    first_at: Date;
    last_at: Date;
  }>`
    select wafer_id, count(*)::int as results,
      (count(*) filter (where die_x is null or die_y is null))::int as unplaced,
      min(created_at) as first_at, max(created_at) as last_at
    from inferences where lot_id = ${lotId}
    group by wafer_id order by wafer_id`.execute(db);
  return rows;
}

/** Defects per class over each die's latest result in the lot (optionally one wafer). */
export async function defectsByClass(
  db: Db,
  lotId: string,
  waferId?: string,
): Promise<Array<{ defect_type: string; class_id: number; count: number }>> {
  const { rows } = await sql<{ defect_type: string; class_id: number; count: number }>`
    with latest as (${latestPerDie([lotId], waferId)})
    select d.defect_type, min(d.class_id)::int as class_id, count(*)::int as count
    from detections d join latest l on l.id = d.inference_id
    group by d.defect_type order by count(*) desc, d.defect_type`.execute(db);
  return rows;
}

/** Models and versions that produced the lot's results, with how many each. */
export async function modelsUsed(
  db: Db,
  lotId: string,
): Promise<Array<{ model_name: string; model_version: string; results: number }>> {
  const { rows } = await sql<{ model_name: string; model_version: string; results: number }>`
    select model_name, model_version, count(*)::int as results from inferences
    where lot_id = ${lotId} and model_name is not null and model_version is not null
    group by model_name, model_version order by model_name, model_version`.execute(db);
  return rows;
}

export interface DieRow {
  die_x: number;
  die_y: number;
  /** The latest completed result's verdict; null when every inspection of the die failed. */
  verdict: VerdictStatus | null;
  defect_count: number;
  latest_result_id: string;
  /** Every result of the die, newest first. */
  result_ids: string[];
  inspected_at: Date;
}

/** Every placed die of a wafer with its latest verdict and all its results. */
export async function waferDies(db: Db, lotId: string, waferId: string): Promise<DieRow[]> {
  const { rows } = await sql<DieRow>`
    with ranked as (
      select id, die_x, die_y, status, verdict_status, detection_count, created_at,
        row_number() over (
          partition by die_x, die_y
          order by (status = 'completed') desc, created_at desc, id desc) as rank
      from inferences
      where lot_id = ${lotId} and wafer_id = ${waferId} and die_x is not null and die_y is not null
    )
    select die_x, die_y,
      (array_agg(verdict_status) filter (where rank = 1))[1] as verdict,
      coalesce((array_agg(detection_count) filter (where rank = 1))[1], 0)::int as defect_count,
      (array_agg(id::text) filter (where rank = 1))[1] as latest_result_id,
      array_agg(id::text order by created_at desc, id desc) as result_ids,
      max(created_at) as inspected_at
    from ranked group by die_x, die_y order by die_y, die_x`.execute(db);
  return rows;
}

/** Results of a wafer without die coordinates (ids, newest first). */
export async function unplacedResults(db: Db, lotId: string, waferId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('inferences')
    .select('id')
    .where('lot_id', '=', lotId)
    .where('wafer_id', '=', waferId)
    .where((eb) => eb.or([eb('die_x', 'is', null), eb('die_y', 'is', null)]))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => r.id);
}

export interface DieDefectRow {
  inference_id: string;
  die_x: number;
  die_y: number;
  station_id: string | null;
  model_name: string | null;
  model_version: string | null;
  image_width: number | null;
  image_height: number | null;
  created_at: Date;
  /** Null for a die whose latest result found nothing (it is still part of the sample). */
  ordinal: number | null;
  class_id: number | null;
  defect_type: string | null;
  confidence: number | null;
  x: number | null;
  y: number | null;
  width: number | null;
  height: number | null;
}

/** Each placed die's latest completed result on a wafer, with its defects (one row per defect; dies without a verdict left out). */
export async function waferDefects(db: Db, lotId: string, waferId: string): Promise<DieDefectRow[]> {
  const { rows } = await sql<DieDefectRow>`
    with latest as (${latestPerDie([lotId], waferId)})
    select i.id as inference_id, i.die_x, i.die_y, i.station_id, i.model_name, i.model_version,
      i.image_width, i.image_height, i.created_at,
      d.ordinal, d.class_id, d.defect_type, d.confidence, d.x, d.y, d.width, d.height
    from latest l join inferences i on i.id = l.id and l.status = 'completed'
    left join detections d on d.inference_id = i.id
    order by i.die_y, i.die_x, d.ordinal`.execute(db);
  return rows;
}

function latestPerDie(lotIds: string[], waferId?: string) {
  return sql`
    select distinct on (lot_id, wafer_id, die_x, die_y) id, lot_id, wafer_id, die_x, die_y, status,
      case when status = 'completed' then verdict_status end as verdict_status,
      case when status = 'completed' then detection_count else 0 end as detection_count
    from inferences
    where lot_id = any(${lotIds}::text[]) ${waferId === undefined ? sql`` : sql`and wafer_id = ${waferId}`}
      and die_x is not null and die_y is not null
    order by lot_id, wafer_id, die_x, die_y, (status = 'completed') desc, created_at desc, id desc`;
}
