/** Stored review rows -> the API's Review (ISO dates, judged and missed defects apart). */
import type { VerdictStatus } from '../db/database.js';
import type { StoredReview } from '../repositories/review-repository.js';
import type { ReviewView } from '../schemas/review-schemas.js';

const iso = (value: Date | string) => (value instanceof Date ? value : new Date(value)).toISOString();

export function toReviewView(stored: StoredReview, modelVerdict: VerdictStatus | null): ReviewView {
  const { review, defects } = stored;
  return {
    id: review.id,
    revision: review.revision,
    verdict: review.verdict,
    model_verdict: modelVerdict,
    verdict_agrees:
      modelVerdict === 'PASS' || modelVerdict === 'FAIL' ? modelVerdict === review.verdict : null,
    defects: defects.flatMap((d) =>
      d.outcome === 'missed' || d.detection_ordinal === null
        ? []
        : [{ index: d.detection_ordinal, outcome: d.outcome, defect_type: d.defect_type }],
    ),
    missed: defects.flatMap((d) =>
      d.outcome === 'missed'
        ? [{ defect_type: d.defect_type, box: { x1: d.x, y1: d.y, x2: d.x + d.width, y2: d.y + d.height } }]
        : [],
    ),
    counts: { true_defects: review.true_defects, false_alarms: review.false_alarms, missed: review.missed },
    reviewer: review.reviewer,
    comment: review.comment,
    api_key_id: review.api_key_id,
    created_at: iso(review.created_at),
  };
}
