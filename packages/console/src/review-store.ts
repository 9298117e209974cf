// Where review decisions go: the service (POST /api/v1/inference/{id}/review, SDK
// `reviews.submit`), so every reviewer, the results list and the precision figures see them.
// The screens think in decisions (each detection true or a false alarm, boxes drawn for missed
// defects, the verdict); this module turns one into the API's ReviewInput.
import type { InferenceResult, Review, ReviewInput } from '@chipq/sdk';
import { apiClient } from './api-client.js';
import type { DrawnBox } from './components/inspection-view.js';

export type DefectOutcome = 'true_defect' | 'false_alarm';

export interface ReviewDecision {
  /** One per detection, in the result's order. */
  outcomes: DefectOutcome[];
  /** Boxes drawn for defects the model missed, in image pixels. */
  missed: DrawnBox[];
  /** The operator's verdict; default FAIL when a true or missed defect remains, else PASS. */
  verdict?: 'PASS' | 'FAIL' | undefined;
}

function reviewInput(decision: ReviewDecision): ReviewInput {
  const defective = decision.outcomes.includes('true_defect') || decision.missed.length > 0;
  return {
    verdict: decision.verdict ?? (defective ? 'FAIL' : 'PASS'),
    defects: decision.outcomes.map((outcome, index) => ({ index, outcome })),
    missed: decision.missed.map((b) => ({
      defect_type: b.label,
      box: { x1: Math.round(b.x1), y1: Math.round(b.y1), x2: Math.round(b.x2), y2: Math.round(b.y2) },
    })),
  };
}

export function submitReview(result: InferenceResult, decision: ReviewDecision): Promise<Review> {
  return apiClient().reviews.submit(result.id, reviewInput(decision));
}

/** One line for lists: the operator's verdict and what they found. */
export function describeReview(review: Review): string {
  const { true_defects: tp, false_alarms: fp, missed } = review.counts;
  const parts = [`${tp} true`, `${fp} false`, ...(missed > 0 ? [`${missed} missed`] : [])];
  return `${review.verdict} (${parts.join(', ')})`;
}
