// Where review decisions go. The review endpoint (POST /api/v1/inference/{id}/review, with a
// review queue) is being added by the A/B work; until the SDK has it, decisions are kept in
// this browser (localStorage) and the screen says so. Swapping in the service store changes
// this file only: the screens talk to `ReviewStore`.
import type { DrawnBox } from './components/inspection-view.js';

export type ReviewVerdict = 'accept' | 'reject';

interface ReviewDecision {
  decision: ReviewVerdict;
  /** Boxes drawn for defects the model missed, in image pixels. */
  missed: DrawnBox[];
  decided_at: string;
}

export interface ReviewStore {
  /** Shown on the screen: where a decision is recorded. */
  readonly where: string;
  get(resultId: string): ReviewDecision | undefined;
  submit(resultId: string, decision: Omit<ReviewDecision, 'decided_at'>): Promise<ReviewDecision>;
}

const storageKey = 'chipq.reviews';

function readAll(): Record<string, ReviewDecision> {
  try {
    return JSON.parse(window.localStorage.getItem(storageKey) ?? '{}') as Record<string, ReviewDecision>;
  } catch {
    return {};
  }
}

const browserReviewStore: ReviewStore = {
  where: 'this browser only (the service has no review endpoint yet)',
  get: (resultId) => readAll()[resultId],
  async submit(resultId, decision) {
    const all = readAll();
    const stored = { ...decision, decided_at: new Date().toISOString() };
    all[resultId] = stored;
    window.localStorage.setItem(storageKey, JSON.stringify(all));
    return stored;
  },
};

export const reviewStore: ReviewStore = browserReviewStore;
