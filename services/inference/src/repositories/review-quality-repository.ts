/**
 * Sums over current reviews, per model version (or per version and experiment arm, the one
 * recorded on each result) and time bucket of the inspection: the counts
 * precision, recall and verdict agreement are made of. Summed in PostgreSQL so a year of
 * reviews costs one grouped scan, not a transfer.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.js';

type Db = Kysely<Database> | Transaction<Database>;

export type QualityBucket = 'hour' | 'day' | 'week' | 'all';
/** `version`: one group per model version; `arm`: per version and experiment arm (null outside experiments). */
export type QualityGrouping = 'version' | 'arm';

export interface QualityFilter {
  model?: string | undefined;
  version?: string | undefined;
  experimentId?: string | undefined;
  /** Inclusive, on the inspection time. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
}

export interface QualityCounts {
  model_name: string | null;
  model_version: string | null;
  /** Null when grouped by version, or for results served outside any experiment. */
  experiment_id: string | null;
  experiment_arm: string | null;
  /** Bucket start as UTC ISO text; null for `all`. */
  bucket_start: string | null;
  reviewed: number;
  true_defects: number;
  false_alarms: number;
  missed: number;
  verdicts_compared: number;
  verdicts_agreed: number;
  review_verdicts: number;
}

export async function sumReviewQuality(
  db: Db,
  filter: QualityFilter,
  bucket: QualityBucket,
  grouping: QualityGrouping,
): Promise<QualityCounts[]> {
  const start =
    bucket === 'all'
      ? sql<string | null>`null::text`
      : sql<string>`to_char(date_trunc(${bucket}, i.created_at at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
  let query = db
    .selectFrom('inference_reviews as r')
    .innerJoin('inferences as i', 'i.id', 'r.inference_id')
    .where('r.superseded_at', 'is', null)
    .select([
      'i.model_name',
      'i.model_version',
      grouping === 'arm' ? 'i.experiment_id' : sql<string | null>`null::uuid`.as('experiment_id'),
      grouping === 'arm' ? 'i.experiment_arm' : sql<string | null>`null::text`.as('experiment_arm'),
      start.as('bucket_start'),
      sql<number>`count(*)::int`.as('reviewed'),
      sql<number>`sum(r.true_defects)::int`.as('true_defects'),
      sql<number>`sum(r.false_alarms)::int`.as('false_alarms'),
      sql<number>`sum(r.missed)::int`.as('missed'),
      sql<number>`(count(*) filter (where i.verdict_status in ('PASS', 'FAIL')))::int`.as(
        'verdicts_compared',
      ),
      sql<number>`(count(*) filter (where i.verdict_status = r.verdict))::int`.as('verdicts_agreed'),
      sql<number>`(count(*) filter (where i.verdict_status = 'REVIEW'))::int`.as('review_verdicts'),
    ]);
  if (filter.model !== undefined) query = query.where('i.model_name', '=', filter.model);
  if (filter.version !== undefined) query = query.where('i.model_version', '=', filter.version);
  if (filter.experimentId !== undefined) query = query.where('i.experiment_id', '=', filter.experimentId);
  if (filter.from !== undefined) query = query.where('i.created_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('i.created_at', '<', filter.to);
  // By position: the select list's model, version, experiment, arm and bucket.
  return query.groupBy([sql`1`, sql`2`, sql`3`, sql`4`, sql`5`]).orderBy(sql`1, 2, 3, 4, 5`).execute();
}
