// One result at its own URL (/results/<id>): what a colleague opens from a shared link, with
// its current human review (the missed defects the reviewer drew, dashed).
import type { InferenceResult } from '@chipq/sdk';
import { apiClient } from '../api-client.js';
import { ResultDetail } from '../components/result-detail.js';
import { useResultImages } from '../image-cache.js';
import { describeReview } from '../review-store.js';
import { useAsync } from '../use-async.js';

function ReviewedResult(props: { result: InferenceResult }) {
  const { result } = props;
  const { images, missing } = useResultImages(result.id, result.reference !== null);
  const review = result.review;
  return (
    <>
      {review !== null && (
        <p class="panel" data-testid="review-summary">
          Reviewed: <strong>{describeReview(review)}</strong>
          {review.reviewer !== null ? ` by ${review.reviewer}` : ''} at{' '}
          {new Date(review.created_at).toLocaleString()}
          {review.revision > 1 ? ` (revision ${review.revision})` : ''}.
        </p>
      )}
      <ResultDetail
        result={result}
        images={images}
        missingImage={missing}
        outcomes={review?.defects.map((d) => d.outcome)}
        drawn={review?.missed.map((m) => ({ ...m.box, label: m.defect_type }))}
      />
    </>
  );
}

export function ResultScreen(props: { id: string }) {
  const found = useAsync((signal) => apiClient().getResult(props.id, {}, { signal }), [props.id]);
  return (
    <>
      <h1>Result {props.id.slice(0, 8)}</h1>
      {found.loading && found.data === undefined && <p aria-live="polite">Loading…</p>}
      {found.error !== undefined && (
        <p role="alert" class="error">
          {found.error}
        </p>
      )}
      {found.data?.kind === 'batch' && (
        <p>
          This id is a batch ({found.data.status}, {found.data.progress.total} items):{' '}
          <a href={`/results?batch_id=${found.data.id}`}>see its results</a>.
        </p>
      )}
      {found.data?.kind === 'result' && <ReviewedResult result={found.data} />}
    </>
  );
}
