/**
 * The review queue's query: completed results with a verdict, REVIEW verdicts first (tier 0),
 * then a deterministic sample of the others (tier 1), oldest first within a tier, keyset-paged
 * on (tier, created_at, id). The sample keeps a result when the first 32 bits of md5(id) fall
 * below `sampleRate` * 2^32: the same answer on every replica and page, and independent of how
 * ids were made.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, Inference, VerdictStatus } from '../db/database.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ReviewQueueFilter {
  model?: string | undefined;
  version?: string | undefined;
  lotId?: string | undefined;
  waferId?: string | undefined;
  stationId?: string | undefined;
  verdict?: VerdictStatus | undefined;
  experimentId?: string | undefined;
  experimentArm?: string | undefined;
  sampleRate: number;
  includeReviewed: boolean;
}

/** The last row of a page; `createdAt` as PostgreSQL text with microseconds (see inference-list-repository). */
export interface ReviewQueueKey {
  tier: 0 | 1;
  createdAt: string;
  id: string;
}

export type QueuedInference = Inference & { tier: 0 | 1; key_created_at: string };

const hash32 = sql<number>`('x' || substr(md5(inferences.id::text), 1, 8))::bit(32)::bigint`;
const tier = sql<0 | 1>`(case when inferences.verdict_status = 'REVIEW' then 0 else 1 end)`;

export async function listReviewQueue(
  db: Db,
  filter: ReviewQueueFilter,
  page: { limit: number; after?: ReviewQueueKey | undefined },
): Promise<QueuedInference[]> {
  const threshold = Math.floor(filter.sampleRate * 2 ** 32);
  let query = db
    .selectFrom('inferences')
    .selectAll('inferences')
    .select([
      tier.as('tier'),
      sql<string>`to_char(inferences.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
        'key_created_at',
      ),
    ])
    .where('status', '=', 'completed')
    .where('verdict_status', 'is not', null)
    .where((eb) => eb.or([eb('verdict_status', '=', 'REVIEW'), eb(hash32, '<', threshold)]));
  const equal = [
    ['model_name', filter.model],
    ['model_version', filter.version],
    ['lot_id', filter.lotId],
    ['wafer_id', filter.waferId],
    ['station_id', filter.stationId],
    ['verdict_status', filter.verdict],
    ['experiment_id', filter.experimentId],
    ['experiment_arm', filter.experimentArm],
  ] as const;
  for (const [column, value] of equal) if (value !== undefined) query = query.where(column, '=', value);
  if (!filter.includeReviewed) {
    query = query.where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('inference_reviews')
            .select(sql`1`.as('one'))
            .whereRef('inference_reviews.inference_id', '=', 'inferences.id')
            .where('inference_reviews.superseded_at', 'is', null),
        ),
      ),
    );
  }
  const after = page.after;
  if (after !== undefined) {
    query = query.where(
      sql<boolean>`(${tier}, inferences.created_at, inferences.id) > (${after.tier}, ${after.createdAt}::timestamptz, ${after.id}::uuid)`,
    );
  }
  return query
    .orderBy(tier)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .limit(page.limit)
    .execute() as Promise<QueuedInference[]>;
}
