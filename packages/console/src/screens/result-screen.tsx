// One result at its own URL (/results/<id>): what a colleague opens from a shared link.
import { apiClient } from '../api-client.js';
import { ResultDetail } from '../components/result-detail.js';
import { useCachedImages } from '../image-cache.js';
import { reviewStore } from '../review-store.js';
import { useAsync } from '../use-async.js';

export function ResultScreen(props: { id: string }) {
  const found = useAsync((signal) => apiClient().getResult(props.id, {}, { signal }), [props.id]);
  const review = reviewStore.get(props.id);
  const images = useCachedImages(props.id);
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
      {review !== undefined && (
        <p class="panel">
          Reviewed: <strong>{review.decision}</strong> at {new Date(review.decided_at).toLocaleString()}
          {review.missed.length > 0 ? `, ${review.missed.length} missed defect(s) drawn` : ''}.
        </p>
      )}
      {found.data?.kind === 'result' && (
        <ResultDetail result={found.data} images={images} drawn={review?.missed} />
      )}
    </>
  );
}
