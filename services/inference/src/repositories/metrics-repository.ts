/**
 * Aggregates over stored inferences for the metrics summary, per-model metrics and anomaly
 * detection. Percentiles are computed by PostgreSQL (`percentile_cont`), so every replica
 * reports the same numbers for the same window.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';

export interface TimeWindow {
  from: Date;
  to: Date;
}

export interface ModelFilter {
  model?: string | undefined;
  version?: string | undefined;
}

export const stages = ['decode', 'preprocess', 'queue', 'infer', 'postprocess', 'total', 'service'] as const;
type Stage = (typeof stages)[number];

export interface ModelWindowRow {
  model_name: string | null;
  model_version: string | null;
  total: number;
  completed: number;
  failed: number;
  first_at: Date | null;
  last_at: Date | null;
  /** [p50, p95, p99] in ms per stage, null when no completed inference has the stage. */
  percentiles: Record<Stage, [number, number, number] | null>;
}

function percentileColumn(stage: Stage) {
  const column = sql.ref(`${stage}_ms`);
  return sql<
    number[] | null
  >`percentile_cont(array[0.5, 0.95, 0.99]::float8[]) within group (order by ${column})
    filter (where status = 'completed' and ${column} is not null)`.as(`p_${stage}`);
}

/**
 * Counts and stage percentiles per model/version over a window; with `perVersion: false`, per
 * model (versions pooled, `model_version` null), as one model's metrics report them.
 */
export async function summarizeInferences(
  db: Kysely<Database>,
  window: TimeWindow,
  filter: ModelFilter = {},
  options: { perVersion?: boolean } = {},
): Promise<ModelWindowRow[]> {
  const perVersion = options.perVersion ?? true;
  let query = db
    .selectFrom('inferences')
    .select(['model_name', perVersion ? 'model_version' : sql<string | null>`null::text`.as('model_version')])
    .select((eb) => [
      eb.fn.countAll<string>().as('total'),
      sql<string>`count(*) filter (where status = 'completed')`.as('completed'),
      sql<string>`count(*) filter (where status <> 'completed')`.as('failed'),
      eb.fn.min('created_at').as('first_at'),
      eb.fn.max('created_at').as('last_at'),
      ...stages.map(percentileColumn),
    ])
    .where('created_at', '>=', window.from)
    .where('created_at', '<', window.to);
  if (filter.model !== undefined) query = query.where('model_name', '=', filter.model);
  if (filter.version !== undefined) query = query.where('model_version', '=', filter.version);
  // GROUP BY resolves names to table columns first, so the pooled form groups by model only.
  const grouped = perVersion ? query.groupBy(['model_name', 'model_version']) : query.groupBy('model_name');
  const rows = await grouped.orderBy('model_name').orderBy('model_version').execute();
  return rows.map((row) => {
    const record = row as unknown as Record<string, unknown>;
    const percentiles = {} as ModelWindowRow['percentiles'];
    for (const stage of stages) {
      const values = record[`p_${stage}`] as number[] | null;
      percentiles[stage] = values === null ? null : [Number(values[0]), Number(values[1]), Number(values[2])];
    }
    return {
      model_name: row.model_name,
      model_version: row.model_version,
      total: Number(row.total),
      completed: Number(row.completed),
      failed: Number(row.failed),
      first_at: row.first_at as Date | null,
      last_at: row.last_at as Date | null,
      percentiles,
    };
  });
}

export interface DistributionRow {
  model_name: string | null;
  model_version: string | null;
  key: string;
  count: number;
}

/** How many completed inferences ended PASS, FAIL or REVIEW, per model/version. */
export async function verdictDistribution(
  db: Kysely<Database>,
  window: TimeWindow,
  filter: ModelFilter = {},
): Promise<DistributionRow[]> {
  let query = db
    .selectFrom('inferences')
    .select([
      'model_name',
      'model_version',
      'verdict_status as key',
      (eb) => eb.fn.countAll<string>().as('count'),
    ])
    .where('status', '=', 'completed')
    .where('created_at', '>=', window.from)
    .where('created_at', '<', window.to);
  if (filter.model !== undefined) query = query.where('model_name', '=', filter.model);
  if (filter.version !== undefined) query = query.where('model_version', '=', filter.version);
  const rows = await query.groupBy(['model_name', 'model_version', 'verdict_status']).execute();
  return rows.map((r) => ({ ...r, key: r.key ?? 'UNKNOWN', count: Number(r.count) }));
}

/** How many detections of each defect class, per model/version. */
export async function defectClassDistribution(
  db: Kysely<Database>,
  window: TimeWindow,
  filter: ModelFilter = {},
): Promise<DistributionRow[]> {
  let query = db
    .selectFrom('detections')
    .innerJoin('inferences', 'inferences.id', 'detections.inference_id')
    .select([
      'inferences.model_name',
      'inferences.model_version',
      'detections.defect_type as key',
      (eb) => eb.fn.countAll<string>().as('count'),
    ])
    .where('inferences.created_at', '>=', window.from)
    .where('inferences.created_at', '<', window.to);
  if (filter.model !== undefined) query = query.where('inferences.model_name', '=', filter.model);
  if (filter.version !== undefined) query = query.where('inferences.model_version', '=', filter.version);
  const rows = await query
    .groupBy(['inferences.model_name', 'inferences.model_version', 'detections.defect_type'])
    .execute();
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

export interface WindowStats {
  count: number;
  failures: number;
  /** Completed inferences with at least one detection. */
  defective: number;
  completed: number;
  p95TotalMs: number | null;
  meanTotalMs: number | null;
}

/** One model's request, failure and defect counts and latency over a window (anomalies, health). */
export async function modelWindowStats(
  db: Kysely<Database>,
  model: string,
  window: TimeWindow,
): Promise<WindowStats> {
  const row = await db
    .selectFrom('inferences')
    .select((eb) => [
      eb.fn.countAll<string>().as('count'),
      sql<string>`count(*) filter (where status <> 'completed')`.as('failures'),
      sql<string>`count(*) filter (where status = 'completed')`.as('completed'),
      sql<string>`count(*) filter (where status = 'completed' and detection_count > 0)`.as('defective'),
      sql<
        number | null
      >`percentile_cont(0.95) within group (order by total_ms) filter (where status = 'completed')`.as('p95'),
      sql<number | null>`avg(total_ms) filter (where status = 'completed')`.as('mean'),
    ])
    .where('model_name', '=', model)
    .where('created_at', '>=', window.from)
    .where('created_at', '<', window.to)
    .executeTakeFirstOrThrow();
  return {
    count: Number(row.count),
    failures: Number(row.failures),
    completed: Number(row.completed),
    defective: Number(row.defective),
    p95TotalMs: row.p95 === null ? null : Number(row.p95),
    meanTotalMs: row.mean === null ? null : Number(row.mean),
  };
}
