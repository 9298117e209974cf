/**
 * One page of stored inferences, newest first, with keyset pagination on (created_at, id):
 * a page costs the same at any depth and rows inserted meanwhile never shift it.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, Inference, JobStatus, VerdictStatus } from '../db/database.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface InferenceFilter {
  lotId?: string | undefined;
  waferId?: string | undefined;
  stationId?: string | undefined;
  batchId?: string | undefined;
  verdict?: VerdictStatus | undefined;
  status?: JobStatus | undefined;
  model?: string | undefined;
  version?: string | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
}

/**
 * The last row of a page: the next page starts strictly after it. `createdAt` is the
 * timestamp as PostgreSQL text with its microseconds (a JS Date keeps only milliseconds, and
 * rows within one millisecond would then be skipped).
 */
export interface InferenceKey {
  createdAt: string;
  id: string;
}

export type ListedInference = Inference & { key_created_at: string };

/** Up to `limit` rows matching `filter`, after `after` when given, newest first. */
export async function listInferences(
  db: Db,
  filter: InferenceFilter,
  page: { limit: number; after?: InferenceKey | undefined },
): Promise<ListedInference[]> {
  let query = db
    .selectFrom('inferences')
    .selectAll()
    .select(
      sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
        'key_created_at',
      ),
    );
  const equal = [
    ['lot_id', filter.lotId],
    ['wafer_id', filter.waferId],
    ['station_id', filter.stationId],
    ['batch_id', filter.batchId],
    ['verdict_status', filter.verdict],
    ['status', filter.status],
    ['model_name', filter.model],
    ['model_version', filter.version],
  ] as const;
  for (const [column, value] of equal) if (value !== undefined) query = query.where(column, '=', value);
  if (filter.from !== undefined) query = query.where('created_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('created_at', '<', filter.to);
  const after = page.after;
  if (after !== undefined) {
    const at = sql<Date>`${after.createdAt}::timestamptz`;
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', after.id)])]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}
