/**
 * GET /reviews/quality: precision, recall and verdict agreement from human reviews, per model
 * version or experiment arm, over time. Each figure comes with its 95 % Wilson interval, so a precision of 1.0
 * from three reviews reads as what it is.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { type QualityCounts, sumReviewQuality } from '../repositories/review-quality-repository.js';
import type { ReviewQualityQuery, ReviewQualityView } from '../schemas/review-quality-schemas.js';
import { wilsonEstimate } from './wilson-interval.js';

type Figures = ReviewQualityView['groups'][number]['total'];
type Sums = Omit<
  QualityCounts,
  'model_name' | 'model_version' | 'experiment_id' | 'experiment_arm' | 'bucket_start'
>;
type Group = ReviewQualityView['groups'][number];

function figures(c: Sums): Figures {
  return {
    reviewed: c.reviewed,
    true_defects: c.true_defects,
    false_alarms: c.false_alarms,
    missed: c.missed,
    precision: wilsonEstimate(c.true_defects, c.true_defects + c.false_alarms),
    recall: wilsonEstimate(c.true_defects, c.true_defects + c.missed),
    verdict_agreement: wilsonEstimate(c.verdicts_agreed, c.verdicts_compared),
    verdicts_compared: c.verdicts_compared,
    review_verdicts: c.review_verdicts,
  };
}

const sumKeys = [
  'reviewed',
  'true_defects',
  'false_alarms',
  'missed',
  'verdicts_compared',
  'verdicts_agreed',
  'review_verdicts',
] as const;

function add(a: Sums, b: Sums): Sums {
  return Object.fromEntries(sumKeys.map((k) => [k, a[k] + b[k]])) as unknown as Sums;
}

const zero = Object.fromEntries(sumKeys.map((k) => [k, 0])) as unknown as Sums;

export function createReviewQualityService(db: Kysely<Database>) {
  async function quality(query: ReviewQualityQuery): Promise<ReviewQualityView> {
    const rows = await sumReviewQuality(
      db,
      {
        model: query.model,
        version: query.version,
        experimentId: query.experiment_id,
        from: query.from === undefined ? undefined : new Date(query.from),
        to: query.to === undefined ? undefined : new Date(query.to),
      },
      query.bucket,
      query.by,
    );
    const groups = new Map<string, Pick<Group, 'model' | 'experiment'> & { rows: QualityCounts[] }>();
    for (const row of rows) {
      const key = JSON.stringify([row.model_name, row.model_version, row.experiment_id, row.experiment_arm]);
      const group = groups.get(key) ?? {
        model: { name: row.model_name, version: row.model_version },
        experiment:
          row.experiment_id === null || row.experiment_arm === null
            ? null
            : { id: row.experiment_id, arm: row.experiment_arm },
        rows: [],
      };
      group.rows.push(row);
      groups.set(key, group);
    }
    return {
      bucket: query.bucket,
      by: query.by,
      groups: [...groups.values()].map((group) => ({
        model: group.model,
        experiment: group.experiment,
        total: figures(group.rows.reduce<Sums>(add, zero)),
        buckets: group.rows.map((row) => ({ start: row.bucket_start, ...figures(row) })),
      })),
    };
  }
  return { quality };
}

export type ReviewQualityService = ReturnType<typeof createReviewQualityService>;
